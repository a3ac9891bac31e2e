package shop.orders.payment;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.db.DatabaseBusy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settles payments whose outcome is unknown by asking the gateway, each exactly once, and sends or looks up open
 * refunds. A payment the gateway does not know is sent again under its own idempotency key (its id), a bounded
 * number of times with growing pauses ({@code payment.reconciliation.resend.*}): the gateway answers the charge it
 * made, or makes it now, once; while it is still processing a request with that key it answers 409 and the payment
 * is checked again later. One that cannot be sent again stays open until its "not found" is final
 * ({@code payment.reconciliation.not-found-final-after}). A payment is leased in a
 * short transaction (so replicas never take the same one), the gateway is asked outside any transaction, and the
 * answer is recorded in another. While the gateway breaker is open the job waits.
 */
@ApplicationScoped
public class ReconciliationJob {
  private static final Logger LOG = Logger.getLogger(ReconciliationJob.class);
  private static final int MAX_BATCHES_PER_RUN = 50;

  private final PaymentLedger ledger;
  private final RefundLedger refunds;
  private final RefundService refunder;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;
  private final CircuitBreakerMaintenance breakers;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong reversing = new AtomicLong();
  private final InstantSource clock;

  ReconciliationJob(PaymentLedger ledger, RefundLedger refunds, RefundService refunder, PaymentGatewayClient gateway,
                    PaymentConfig config, CircuitBreakerMaintenance breakers, MeterRegistry registry,
                    InstantSource clock) {
    this.clock = clock;
    this.ledger = ledger;
    this.refunds = refunds;
    this.refunder = refunder;
    this.gateway = gateway;
    this.config = config;
    this.breakers = breakers;
    registry.gauge("payments.reconciliation.backlog", backlog);
    // charges the gateway made for orders that could not take them, not refunded yet: each is a customer charged
    // for nothing until its refund is through (PaymentReversalStuck)
    registry.gauge("payments.reversals.open", reversing);
  }

  @Scheduled(identity = "payment-reconciliation", every = "${payment.reconciliation.every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    try {
      settleDue(clock.instant());
    } catch (RuntimeException e) {
      if (!DatabaseBusy.isCause(e)) {
        throw e;
      }
      // a failover or an outage: what is due stays due, and the next run takes it up
      LOG.warnf("Reconciliation could not reach the database (%s); tried again at its next run",
          DatabaseBusy.describe(e));
    }
  }

  /** Settles what is due at {@code now}; returns how many payments it settled. */
  public int settleDue(Instant now) {
    int settled = 0;
    for (int batch = 0; batch < MAX_BATCHES_PER_RUN && !gatewayIsDown(); batch++) {
      var due = ledger.leaseDue(now, config.reconciliation().batchSize());
      settled += settleAll(due, now);
      if (due.size() < config.reconciliation().batchSize()) {
        break;
      }
    }
    var dueRefunds = gatewayIsDown() ? Map.<UUID, Refund.Status>of()
        : refunds.leaseDue(now, config.reconciliation().batchSize());
    for (var due : dueRefunds.entrySet()) {
      settled += settleRefund(due.getKey(), due.getValue(), now) ? 1 : 0;
    }
    backlog.set(ledger.unsettled());
    reversing.set(ledger.reversing());
    return settled;
  }

  /**
   * Settles a leased batch, {@code payment.reconciliation.parallelism} payments at a time: each is a lookup and
   * perhaps a charge sent again, a gateway round trip or two, so after a crash that left dozens open one at a time
   * would take a minute. Each payment is leased to this run, and each gateway call is bounded by its timeout.
   */
  private int settleAll(List<UUID> due, Instant now) {
    if (due.size() <= 1) {
      return due.isEmpty() ? 0 : settle(due.getFirst(), now) ? 1 : 0;
    }
    int settled = 0;
    int threads = Math.min(config.reconciliation().parallelism(), due.size());
    try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofVirtual().name("reconcile-", 0)
        .factory())) {
      List<Future<Boolean>> outcomes = due.stream()
          .map(paymentId -> pool.submit(() -> inRequestContext(() -> settle(paymentId, now)))).toList();
      for (int i = 0; i < outcomes.size(); i++) {
        try {
          settled += outcomes.get(i).get() ? 1 : 0;
        } catch (ExecutionException e) {
          LOG.debugf("Payment %s not reconciled yet: %s", due.get(i), e.getCause().toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return settled;
  }

  /** Runs {@code work} on a pool thread (which has none) as the scheduler runs a job: in a request context. */
  private static <T> T inRequestContext(java.util.function.Supplier<T> work) {
    ManagedContext context = Arc.container().requestContext();
    context.activate();
    try {
      return work.get();
    } finally {
      context.terminate();
    }
  }

  /**
   * A refund not sent yet (or to be sent again) is sent; one sent without an answer is looked up. True when it
   * reached a final state.
   */
  private boolean settleRefund(UUID refundId, Refund.Status status, Instant now) {
    try {
      var after = status == Refund.Status.REFUNDING ? refunder.resend(refundId)
          : refunds.reconcile(refundId, gateway.lookupRefund(refundId), now);
      return after == Refund.Status.REFUNDED || after == Refund.Status.FAILED;
    } catch (RuntimeException e) {
      LOG.debugf("Refund %s not reconciled yet: %s", refundId, e.toString());
      return false;
    }
  }

  private boolean settle(UUID paymentId, Instant now) {
    Optional<PaymentGatewayClient.Decision> known;
    try {
      known = gateway.lookup(paymentId);
    } catch (RuntimeException e) {
      LOG.debugf("Payment %s not reconciled yet: %s", paymentId, e.toString());
      return false;   // leased: asked again after payment.reconciliation.retry-every
    }
    SettledBy by = SettledBy.LOOKUP;
    // a charge the breaker would refuse is not sent, and does not spend one of the payment's sendings
    if (known.isEmpty() && breakers.currentState(PaymentGatewayClient.BREAKER) != CircuitBreakerState.OPEN) {
      var answer = ledger.sendAgain(paymentId, now).flatMap(this::sendAgain);
      if (answer.isPresent()) {
        known = answer;
        by = SettledBy.ANSWER;
      }
    }
    var applied = ledger.reconcile(paymentId, known, by, now);
    applied.reversal().ifPresent(refunder::sendReversal);
    return applied.changed();
  }

  /**
   * The charge sent again under its idempotency key: the gateway's decision, or empty when it gave none (still
   * processing a request with that key: 409; unreachable, failing, refusing for now). Empty leaves the payment open:
   * it is checked again after the pause {@link PaymentLedger#sendAgain} set.
   */
  private Optional<PaymentGatewayClient.Decision> sendAgain(PaymentGatewayApi.Charge charge) {
    try {
      return Optional.of(gateway.authorize(charge));
    } catch (GatewayRefusal refusal) {
      LOG.debugf("Payment %s sent again: the gateway refused it for now (%d, %s)", charge.paymentId(),
          refusal.status, refusal.meaning());
      return Optional.empty();
    } catch (RuntimeException noAnswer) {
      LOG.debugf("Payment %s sent again: no answer (%s)", charge.paymentId(), noAnswer.toString());
      return Optional.empty();
    }
  }


  private boolean gatewayIsDown() {
    return breakers.currentState(PaymentGatewayClient.LOOKUP_BREAKER) == CircuitBreakerState.OPEN;
  }
}
