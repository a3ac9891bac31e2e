package shop.orders.payment;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import shop.orders.db.Jdbc;
import shop.orders.ops.LogContext;
import shop.orders.order.OrderPayments;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The short transactions around a refund's gateway call. A payment has one refund id ever ({@link Refund#idFor}),
 * so however often a refund is sent (a second cancel, a restart, a resend after "not found") the gateway pays the
 * charge back at most once. A refund is given up only when the gateway rejects it; one it never received is sent
 * again, with the same id, once its "not found" is final.
 */
@ApplicationScoped
public class RefundLedger {
  private static final Logger LOG = Logger.getLogger(RefundLedger.class);

  private final OrderPayments orders;
  private final PaymentConfig config;
  private final MeterRegistry registry;
  private final InstantSource clock;
  private final Jdbc jdbc;

  RefundLedger(OrderPayments orders, PaymentConfig config, MeterRegistry registry, InstantSource clock, Jdbc jdbc) {
    this.clock = clock;
    this.jdbc = jdbc;
    this.orders = orders;
    this.config = config;
    this.registry = registry;
  }

  /** Transaction 1 of a cancel: the paid order's captured payment gets its refund REFUNDING (again, if it failed). */
  @Transactional
  public Refund start(UUID orderId) {
    Instant now = clock.instant();
    orders.beginRefund(orderId, now);
    Payment payment = Payment.<Payment>find("orderId = ?1 and status = ?2", orderId, PaymentStatus.CAPTURED)
        .firstResultOptional()
        .orElseThrow(() -> new ApiException(Problem.of(409, "no-captured-payment", "Nothing to refund",
            "Order " + orderId + " has no captured payment.")));
    return open(payment, Refund.Reason.CANCEL, now);
  }

  /** The refund of a charge its order could not take, in the caller's transaction; sent after it commits. */
  @Transactional(Transactional.TxType.MANDATORY)
  Refund openReversal(Payment payment, Instant now) {
    return open(payment, Refund.Reason.LATE_CHARGE, now);
  }

  private Refund open(Payment payment, Refund.Reason reason, Instant now) {
    Refund refund = Refund.findById(Refund.idFor(payment.id), LockModeType.PESSIMISTIC_WRITE);
    if (refund == null) {
      refund = Refund.of(payment, reason, now, config.reconciliation().notFoundFinalAfter());
      refund.persist();
    } else if (refund.status == Refund.Status.FAILED) {
      refund.sendAgain(now, config.reconciliation().notFoundFinalAfter());
    }
    refund.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
    return refund;
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public Refund find(UUID refundId) {
    return Refund.findById(refundId);
  }

  /**
   * The gateway was not asked (breaker open, bulkhead full, rate limited). A customer's cancel fails: the order stays
   * paid and the cancel may be repeated. A reversal stays REFUNDING: reconciliation sends it later.
   */
  @Transactional
  public void notSent(UUID refundId) {
    Refund refund = Refund.findById(refundId, LockModeType.PESSIMISTIC_WRITE);
    Instant now = clock.instant();
    if (refund.reason == Refund.Reason.LATE_CHARGE) {
      refund.nextCheckAt = now.plus(config.reconciliation().retryEvery());
      return;
    }
    settle(refund, Optional.of(new PaymentGatewayClient.Decision(false, null)), now);
  }

  /** Transaction 2, and reconciliation's answers: records what the gateway said (empty: no answer). */
  @Transactional
  public Refund.Status record(UUID refundId, Optional<PaymentGatewayClient.Decision> decision) {
    Refund refund = Refund.findById(refundId, LockModeType.PESSIMISTIC_WRITE);
    settle(refund, decision, clock.instant());
    return refund.status;
  }

  /**
   * Reconciliation's lookup of a refund sent without an answer. "Not found" before the refund's window changes
   * nothing; after it, the gateway never received the refund, and it is sent again (REFUNDING, same id).
   */
  @Transactional
  public Refund.Status reconcile(UUID refundId, Optional<PaymentGatewayClient.Decision> known, Instant now) {
    Refund refund = Refund.findById(refundId, LockModeType.PESSIMISTIC_WRITE);
    if (known.isPresent()) {
      settle(refund, known, now);
    } else if (refund.status == Refund.Status.UNKNOWN && refund.notFoundIsFinal(now)) {
      refund.sendAgain(now, config.reconciliation().notFoundFinalAfter());
      try (var about = LogContext.order(refund.orderId)) {
        LOG.warnf("Refund %s never reached the gateway; it is sent again with the same id", refund.id);
      }
    }
    return refund.status;
  }

  /** Reconciliation: leases due refunds; REFUNDING ones are (re)sent, UNKNOWN ones looked up. */
  @Transactional
  public Map<UUID, Refund.Status> leaseDue(Instant now, int limit) {
    var due = new LinkedHashMap<UUID, Refund.Status>();
    for (UUID id : jdbc.inTransaction(c -> GatewayRows.leaseDue(c, GatewayRows.Open.REFUNDS, now, limit,
        config.reconciliation().retryEvery()))) {
      due.put(id, Refund.<Refund>findById(id).status);
    }
    return due;
  }

  private void settle(Refund refund, Optional<PaymentGatewayClient.Decision> decision, Instant now) {
    if (decision.isEmpty()) {
      if (refund.settle(Refund.Status.UNKNOWN, null, now)) {
        refund.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
      }
      return;
    }
    boolean refunded = decision.get().approved();
    if (!refund.settle(refunded ? Refund.Status.REFUNDED : Refund.Status.FAILED, decision.get().gatewayRef(), now)) {
      return;
    }
    registry.counter("payments.refunds", "reason", refund.reason.name().toLowerCase(),
        "outcome", refund.status.name().toLowerCase()).increment();
    try (var about = LogContext.order(refund.orderId)) {
      if (refund.reason == Refund.Reason.LATE_CHARGE) {
        if (refunded) {
          Payment.<Payment>findById(refund.paymentId, LockModeType.PESSIMISTIC_WRITE).reversed(now);
          orders.lateChargeReversed(refund.orderId, now);
          LOG.infof("Late charge of payment %s refunded (refund %s)", refund.paymentId, refund.id);
        } else {
          LOG.errorf("The gateway rejected refund %s of late charge %s: the customer is charged for nothing; "
              + "see the runbook, PaymentReversalStuck", refund.id, refund.paymentId);
        }
      } else if (refunded) {
        orders.refunded(refund.orderId);
      } else {
        orders.refundFailed(refund.orderId, now);
      }
    }
  }
}
