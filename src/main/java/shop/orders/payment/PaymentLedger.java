package shop.orders.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import shop.orders.db.Jdbc;
import shop.orders.idempotency.IdempotencyKeys.StoredResponse;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.ops.LogContext;
import shop.orders.order.OrderPayments;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** The short transactions around a gateway call; none of them calls anything remote. */
@ApplicationScoped
public class PaymentLedger {
  private static final Logger LOG = Logger.getLogger(PaymentLedger.class);
  static final String OPERATION = "POST /api/orders/{id}/payment";

  /** A started attempt, or the response given before for this key. */
  record Start(Payment payment, StoredResponse earlier) {}

  /**
   * What news from the gateway changed: whether the payment moved, and the refund to send when an approved charge
   * came for an order that can no longer take it.
   */
  record Applied(boolean changed, Optional<UUID> reversal) {
    static final Applied NOTHING = new Applied(false, Optional.empty());
  }

  private final IdempotencyKeys idempotency;
  private final OrderPayments orders;
  private final RefundLedger refunds;
  private final PaymentConfig config;
  private final ObjectMapper json;
  private final MeterRegistry registry;
  private final InstantSource clock;
  private final Jdbc jdbc;

  PaymentLedger(IdempotencyKeys idempotency, OrderPayments orders, RefundLedger refunds, PaymentConfig config,
                ObjectMapper json, MeterRegistry registry, InstantSource clock, Jdbc jdbc) {
    this.clock = clock;
    this.jdbc = jdbc;
    this.idempotency = idempotency;
    this.orders = orders;
    this.refunds = refunds;
    this.config = config;
    this.json = json;
    this.registry = registry;
  }

  /** Transaction 1: claims the key, checks the order, records the payment AUTHORIZING. */
  @Transactional
  public Start start(String customerId, String key, UUID orderId, PaymentRequest request) {
    String fingerprint = IdempotencyKeys.fingerprint(OPERATION, orderId + "\n" + request.methodToken());
    Optional<StoredResponse> earlier = idempotency.claim(customerId, key, fingerprint);
    if (earlier.isPresent()) {
      return new Start(null, earlier.get());
    }
    Instant now = clock.instant();
    var total = orders.beginPayment(orderId, customerId, now);
    Payment payment = Payment.authorizing(orderId, customerId, key, total, request.methodToken(), now,
        config.reconciliation().notFoundFinalAfter());
    payment.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
    payment.persist();
    idempotency.hold(customerId, key, fingerprint, unknown(payment));
    return new Start(payment, null);
  }

  /**
   * Transaction 2: records what the gateway answered (empty: no answer, or a request with this key still in
   * progress) and the response for the key.
   */
  @Transactional
  public StoredResponse record(UUID paymentId, Optional<PaymentGatewayClient.Decision> decision) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    Instant now = clock.instant();
    if (decision.isEmpty()) {
      if (payment.markUnknown(now)) {
        countOutcome(PaymentStatus.UNKNOWN);
        try (var about = LogContext.order(payment.orderId)) {
          LOG.infof("Payment %s outcome unknown (no answer from the gateway); reconciliation will ask", payment.id);
        }
        payment.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
        orders.paymentOutcomeUnknown(payment.orderId, now);
      }
    } else {
      apply(payment, decision.get(), SettledBy.ANSWER, now);
    }
    StoredResponse response = responseFor(payment);
    idempotency.complete(payment.customerId, payment.idempotencyKey, response);
    return response;
  }

  /** The gateway was never asked (breaker open, bulkhead full) or refused to process it now: the key may be used again. */
  @Transactional
  public void notSent(UUID paymentId) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    fail(payment, PaymentStatus.FAILED, null, SettledBy.NOT_SENT, clock.instant());
    idempotency.forget(payment.customerId, payment.idempotencyKey);
  }

  /** The gateway refused the request as invalid: nothing charged, and the key answers {@code refused} from now on. */
  @Transactional
  public void refused(UUID paymentId, StoredResponse refused) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    fail(payment, PaymentStatus.FAILED, null, SettledBy.ANSWER, clock.instant());
    idempotency.complete(payment.customerId, payment.idempotencyKey, refused);
  }

  /** Reconciliation: takes up to {@code limit} due payments for a while, so other replicas leave them alone. */
  @Transactional
  public List<UUID> leaseDue(Instant now, int limit) {
    return jdbc.inTransaction(c -> GatewayRows.leaseDue(c, GatewayRows.Open.PAYMENTS, now, limit,
        config.reconciliation().retryEvery()));
  }

  /**
   * Reconciliation, after the gateway said it does not have this payment: counts one more sending of the charge and
   * returns the request to send, when the payment is still open, has its method token and sendings left (the next
   * check then waits a pause that doubles with each sending). Empty when it cannot be sent again: it waits for its
   * not-found window, as before.
   */
  @Transactional
  public Optional<PaymentGatewayApi.Charge> sendAgain(UUID paymentId, Instant now) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    var resend = config.reconciliation().resend();
    Duration pause = resend.firstPause().multipliedBy(1L << Math.min(payment.resends, 16));
    if (pause.compareTo(resend.longestPause()) > 0) {
      pause = resend.longestPause();
    }
    if (!payment.sendAgain(resend.attempts(), pause, now)) {
      return Optional.empty();
    }
    registry.counter("payments.resends").increment();
    try (var about = LogContext.order(payment.orderId)) {
      LOG.infof("Payment %s unknown to the gateway: sent again under its idempotency key (%d of %d)", payment.id,
          payment.resends, resend.attempts());
    }
    return Optional.of(payment.charge());
  }

  /** A webhook's news: empty when the payment is not ours. */
  @Transactional
  public Optional<Applied> settleFromGateway(UUID paymentId, PaymentGatewayClient.Decision decision) {
    // Locked on the first read: a payment read earlier in this transaction would not be read again by a locking
    // find, and a settlement committed meanwhile (the sweep, a lookup) would go unseen
    return Payment.<Payment>findByIdOptional(paymentId, LockModeType.PESSIMISTIC_WRITE)
        .map(payment -> reconcile(payment, Optional.of(decision), SettledBy.WEBHOOK, clock.instant()));
  }

  /**
   * What the gateway knows settles the payment. An approved charge is accounted for once, whenever it comes; "not
   * found" fails an open payment only once the gateway can no longer act on it, and until then changes nothing.
   */
  @Transactional
  public Applied reconcile(UUID paymentId, Optional<PaymentGatewayClient.Decision> known, SettledBy by, Instant now) {
    return reconcile(Payment.<Payment>findById(paymentId, LockModeType.PESSIMISTIC_WRITE), known, by, now);
  }

  /** {@code payment} was read under its row lock in this transaction. */
  private Applied reconcile(Payment payment, Optional<PaymentGatewayClient.Decision> known, SettledBy by, Instant now) {
    if (known.isEmpty() && !payment.notFoundIsFinal(now)) {
      return Applied.NOTHING;
    }
    var decision = known.orElse(new PaymentGatewayClient.Decision(false, null));
    Applied applied = known.isEmpty() ? failed(fail(payment, PaymentStatus.FAILED, null, by, now))
        : apply(payment, decision, by, now);
    if (applied.changed()) {
      idempotency.complete(payment.customerId, payment.idempotencyKey, responseFor(payment));
    }
    return applied;
  }

  /** The state of each of these payments that is this service's; ids it does not know are left out. */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Map<UUID, PaymentStatus> statusesOf(Collection<UUID> paymentIds) {
    return Payment.<Payment>list("id in ?1", paymentIds).stream()
        .collect(Collectors.toMap(p -> p.id, p -> p.status));
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public long unsettled() {
    return Payment.backlog();
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public long reversing() {
    return Payment.reversing();
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<PaymentView> latest(UUID orderId, String customerId, boolean admin) {
    return Payment.latestFor(orderId).filter(p -> admin || p.customerId.equals(customerId))
        .map(PaymentView::withRefund);
  }

  private Applied apply(Payment payment, PaymentGatewayClient.Decision decision, SettledBy by, Instant now) {
    if (decision.approved()) {
      return approved(payment, decision.gatewayRef(), by, now);
    }
    return failed(fail(payment, PaymentStatus.DECLINED, decision.gatewayRef(), by, now));
  }

  private static Applied failed(boolean changed) {
    return changed ? new Applied(true, Optional.empty()) : Applied.NOTHING;
  }

  /** An open payment ends without a charge: its order can be paid again. */
  private boolean fail(Payment payment, PaymentStatus outcome, String ref, SettledBy by, Instant now) {
    if (!payment.fail(outcome, ref, by, now)) {
      return false;
    }
    countOutcome(outcome);
    try (var about = LogContext.order(payment.orderId)) {
      LOG.infof("Payment %s %s (%s)%s", payment.id, outcome, by, ref == null ? "" : ", gateway reference " + ref);
    }
    if (by == SettledBy.NOT_SENT) {
      orders.paymentNotSent(payment.orderId, now);
    } else {
      orders.paymentFailed(payment.orderId, now);
    }
    return true;
  }

  /**
   * The gateway charged. The order takes the charge when this attempt is still open (it holds the order), or, for
   * an attempt already settled without a charge, when the order is still waiting for payment with no other attempt
   * running. Otherwise (paid by another payment, cancelled, expired, another attempt running) the charge is paid
   * back: the payment is REVERSING and its refund is recorded here, to be sent after commit.
   */
  private Applied approved(Payment payment, String ref, SettledBy by, Instant now) {
    if (payment.status.chargeAccountedFor()) {
      return Applied.NOTHING;
    }
    boolean late = !payment.status.isOpen();
    var taken = orders.charged(payment.orderId, !late, now);
    try (var about = LogContext.order(payment.orderId)) {
      if (taken == OrderPayments.ChargeTaken.PAID) {
        payment.capture(ref, by, now);
        countOutcome(PaymentStatus.CAPTURED);
        if (late) {
          countLateCharge("paid", by);
          LOG.warnf("Payment %s was settled without a charge, but the gateway charged it after all (%s); it pays "
              + "its order", payment.id, by);
        } else {
          LOG.infof("Payment %s CAPTURED (%s), gateway reference %s", payment.id, by, ref);
        }
        return new Applied(true, Optional.empty());
      }
      payment.reverse(ref, by, now);
      countOutcome(PaymentStatus.REVERSING);
      countLateCharge("reversed", by);
      Refund refund = refunds.openReversal(payment, now);
      LOG.warnf("Payment %s was charged (%s) but order %s is %s: the charge is refunded automatically (refund %s)",
          payment.id, by, payment.orderId, orders.describe(payment.orderId), refund.id);
      return new Applied(true, Optional.of(refund.id));
    }
  }

  /** payments_outcome_total{outcome}: a low-cardinality tag, one value per state a payment can reach. */
  private void countOutcome(PaymentStatus status) {
    registry.counter("payments.outcome", "outcome", status.name().toLowerCase()).increment();
  }

  /** payments_late_charges_total{action, source}: charges learnt of after their attempt had been settled or left. */
  private void countLateCharge(String action, SettledBy by) {
    registry.counter("payments.late.charges", "action", action, "source", by.tag()).increment();
  }

  private StoredResponse responseFor(Payment payment) {
    String location = "/api/orders/" + payment.orderId + "/payment";
    return switch (payment.status) {
      case CAPTURED -> new StoredResponse(201, toJson(PaymentView.of(payment)), location);
      case DECLINED, FAILED -> new StoredResponse(402, toJson(PaymentProblems.declined(payment)), location);
      case REVERSING, REVERSED -> new StoredResponse(409, toJson(PaymentProblems.reversed(payment)), location);
      default -> unknown(payment);
    };
  }

  private StoredResponse unknown(Payment payment) {
    return new StoredResponse(202, toJson(PaymentView.of(payment)), "/api/orders/" + payment.orderId + "/payment");
  }

  String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
