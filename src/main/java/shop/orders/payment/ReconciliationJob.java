package shop.orders.payment;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settles payments whose outcome is unknown by asking the gateway, each exactly once. A payment is leased in a
 * short transaction (so replicas never take the same one), the gateway is asked outside any transaction, and the
 * answer is recorded in another. While the gateway breaker is open the job waits.
 */
@ApplicationScoped
public class ReconciliationJob {
  private static final Logger LOG = Logger.getLogger(ReconciliationJob.class);
  private static final int MAX_BATCHES_PER_RUN = 50;

  private final PaymentLedger ledger;
  private final RefundLedger refunds;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;
  private final CircuitBreakerMaintenance breakers;
  private final AtomicLong backlog = new AtomicLong();

  ReconciliationJob(PaymentLedger ledger, RefundLedger refunds, PaymentGatewayClient gateway, PaymentConfig config,
                    CircuitBreakerMaintenance breakers, MeterRegistry registry) {
    this.ledger = ledger;
    this.refunds = refunds;
    this.gateway = gateway;
    this.config = config;
    this.breakers = breakers;
    registry.gauge("payments.reconciliation.backlog", backlog);
  }

  @Scheduled(identity = "payment-reconciliation", every = "${payment.reconciliation.every:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    settleDue(Instant.now());
  }

  /** Settles what is due at {@code now}; returns how many payments it settled. */
  public int settleDue(Instant now) {
    int settled = 0;
    for (int batch = 0; batch < MAX_BATCHES_PER_RUN && !gatewayIsDown(); batch++) {
      var due = ledger.leaseDue(now, config.reconciliation().batchSize());
      for (UUID paymentId : due) {
        settled += settle(paymentId) ? 1 : 0;
      }
      if (due.size() < config.reconciliation().batchSize()) {
        break;
      }
    }
    for (UUID refundId : gatewayIsDown() ? List.<UUID>of() : refunds.leaseDue(now, config.reconciliation().batchSize())) {
      settled += settleRefund(refundId) ? 1 : 0;
    }
    backlog.set(ledger.unsettled());
    return settled;
  }

  private boolean settleRefund(UUID refundId) {
    try {
      var known = gateway.lookupRefund(refundId);
      return refunds.record(refundId, Optional.of(known.orElse(new PaymentGatewayClient.Decision(false, null))))
          != Refund.Status.UNKNOWN;
    } catch (RuntimeException e) {
      LOG.debugf("Refund %s not reconciled yet: %s", refundId, e.toString());
      return false;
    }
  }

  private boolean settle(UUID paymentId) {
    Optional<PaymentGatewayClient.Decision> known;
    try {
      known = gateway.lookup(paymentId);
    } catch (RuntimeException e) {
      LOG.debugf("Payment %s not reconciled yet: %s", paymentId, e.toString());
      return false;   // leased: asked again after payment.reconciliation.retry-every
    }
    return ledger.reconcile(paymentId, known);
  }

  private boolean gatewayIsDown() {
    return breakers.currentState(PaymentGatewayClient.LOOKUP_BREAKER) == CircuitBreakerState.OPEN;
  }
}
