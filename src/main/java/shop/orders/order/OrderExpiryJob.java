package shop.orders.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.ops.LogContext;

import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;

/** Expires unpaid orders past their payment window and releases their stock, batch by batch. */
@ApplicationScoped
public class OrderExpiryJob {
  private static final Logger LOG = Logger.getLogger(OrderExpiryJob.class);
  /** Bounds one run; whatever is left waits for the next run. */
  private static final int MAX_BATCHES_PER_RUN = 100;

  private final OrderService orders;
  private final OrderConfig config;
  private final InstantSource clock;
  private final Counter failures;

  OrderExpiryJob(OrderService orders, OrderConfig config, InstantSource clock, MeterRegistry registry) {
    this.clock = clock;
    this.orders = orders;
    this.config = config;
    this.failures = Counter.builder("orders.expiry.failures")
        .description("Orders due to expire that could not, tried again next run").register(registry);
  }

  @Scheduled(identity = "order-expiry", every = "${order.expiry.every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    int total = expireDue(clock.instant());
    if (total > 0) {
      LOG.infof("Expired %d unpaid orders", total);
    }
  }

  /**
   * Expires everything due at {@code now} (bounded per run); returns how many orders it expired. A batch is one
   * transaction; when it fails, its orders are expired one by one, each in a transaction of its own, so one order
   * that cannot expire (logged, counted in {@code orders_expiry_failures_total}, tried again next run) never holds
   * back the others.
   */
  public int expireDue(Instant now) {
    int size = config.expiry().batchSize();
    int total = 0;
    for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      int expired;
      try {
        expired = orders.expireBatch(now, size);
      } catch (RuntimeException batchFailed) {
        LOG.warnf("An expiry batch failed (%s); expiring its orders one by one", batchFailed.toString());
        expired = oneByOne(now, size);
        if (expired == 0) {
          break;   // nothing due could expire: the next run tries again
        }
      }
      total += expired;
      if (expired < size) {
        break;
      }
    }
    return total;
  }

  private int oneByOne(Instant now, int size) {
    int expired = 0;
    for (UUID id : orders.dueToExpire(now, size)) {
      try {
        expired += orders.expireOne(id, now) ? 1 : 0;
      } catch (RuntimeException e) {
        failures.increment();
        try (var about = LogContext.order(id)) {
          LOG.errorf("Order could not expire, tried again next run: %s", e.toString());
        }
      }
    }
    return expired;
  }
}
