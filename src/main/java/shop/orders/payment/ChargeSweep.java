package shop.orders.payment;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds charges the service never heard of: reads the charges the gateway recorded recently (its list call, page
 * by page) and settles each approved one whose payment has not accounted for it, as a late answer would (it pays
 * its order, or is refunded automatically). So a charge is found even when its webhook and every lookup were lost.
 * <p>
 * Each run reads from where the last complete run ended, less {@code payment.sweep.overlap}; the first run after a
 * start reads {@code payment.sweep.lookback}. A run bounded by {@code payment.sweep.max-pages} continues next time
 * from its last charge. Replicas may sweep at the same time: settling is idempotent, under the payment's row lock.
 * A charge whose payment id is not this service's is counted and logged, not refunded: it may be another system's
 * on the same merchant account ({@code PaymentGatewayUnknownCharges}).
 */
@ApplicationScoped
public class ChargeSweep {
  private static final Logger LOG = Logger.getLogger(ChargeSweep.class);

  /** What one run did. */
  public record Run(int charges, int settled, int unknown, boolean complete) {}

  private final PaymentLedger ledger;
  private final RefundService refunds;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;
  private final MeterRegistry registry;
  private final InstantSource clock;
  private Instant readUpTo;

  ChargeSweep(PaymentLedger ledger, RefundService refunds, PaymentGatewayClient gateway, PaymentConfig config,
              MeterRegistry registry, InstantSource clock) {
    this.clock = clock;
    this.ledger = ledger;
    this.refunds = refunds;
    this.gateway = gateway;
    this.config = config;
    this.registry = registry;
  }

  @Scheduled(identity = "payment-charge-sweep", every = "${payment.sweep.every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    try {
      var run = sweep(clock.instant());
      if (run.settled() > 0 || run.unknown() > 0) {
        LOG.warnf("Charge sweep: %d charges read, %d settled, %d not this service's", run.charges(), run.settled(),
            run.unknown());
      }
    } catch (RuntimeException e) {
      registry.counter("payments.sweep.runs", "result", "failed").increment();
      LOG.warnf("Charge sweep failed, tried again next run: %s", e.toString());
    }
  }

  /** One sweep at {@code now}. */
  public synchronized Run sweep(Instant now) {
    Instant from = readUpTo == null ? now.minus(config.sweep().lookback()) : readUpTo.minus(config.sweep().overlap());
    UUID after = null;
    Instant lastSeen = from;
    int charges = 0;
    int settled = 0;
    int unknown = 0;
    for (int page = 0; page < config.sweep().maxPages(); page++) {
      var list = gateway.charges(from, after, config.sweep().pageSize());
      var approved = new ArrayList<PaymentGatewayApi.ChargeRecord>();
      for (var charge : list.data()) {
        charges++;
        after = charge.paymentId();
        lastSeen = charge.createdAt() != null && charge.createdAt().isAfter(lastSeen) ? charge.createdAt() : lastSeen;
        if ("APPROVED".equals(charge.status())) {
          approved.add(charge);
        }
      }
      Map<UUID, PaymentStatus> ours = approved.isEmpty() ? Map.of()
          : ledger.statusesOf(approved.stream().map(PaymentGatewayApi.ChargeRecord::paymentId).toList());
      for (var charge : approved) {
        PaymentStatus status = ours.get(charge.paymentId());
        if (status == null) {
          unknown++;
          registry.counter("payments.sweep.unknown.charges").increment();
          LOG.warnf("The gateway holds approved charge %s (order %s, %d %s) that is not a payment of this service",
              charge.paymentId(), charge.orderId(), charge.amount(), charge.currency());
        } else if (!status.chargeAccountedFor()) {
          settled += settle(charge, now) ? 1 : 0;
        }
      }
      if (!list.hasMore() || list.data().isEmpty()) {
        readUpTo = now;
        registry.counter("payments.sweep.runs", "result", "complete").increment();
        return new Run(charges, settled, unknown, true);
      }
    }
    readUpTo = lastSeen;   // bounded: the next run goes on from the last charge read
    registry.counter("payments.sweep.runs", "result", "truncated").increment();
    return new Run(charges, settled, unknown, false);
  }

  private boolean settle(PaymentGatewayApi.ChargeRecord charge, Instant now) {
    var applied = ledger.reconcile(charge.paymentId(),
        Optional.of(new PaymentGatewayClient.Decision(true, charge.gatewayRef())), SettledBy.SWEEP, now);
    applied.reversal().ifPresent(refunds::sendReversal);
    return applied.changed();
  }
}
