package shop.orders.order;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.InstantSource;

/** Expires unpaid orders past their payment window and releases their stock, batch by batch. */
@ApplicationScoped
public class OrderExpiryJob {
  private static final Logger LOG = Logger.getLogger(OrderExpiryJob.class);
  /** Bounds one run; whatever is left waits for the next run. */
  private static final int MAX_BATCHES_PER_RUN = 100;

  private final OrderService orders;
  private final OrderConfig config;
  private final InstantSource clock;

  OrderExpiryJob(OrderService orders, OrderConfig config, InstantSource clock) {
    this.clock = clock;
    this.orders = orders;
    this.config = config;
  }

  @Scheduled(identity = "order-expiry", every = "${order.expiry.every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    int total = expireDue(clock.instant());
    if (total > 0) {
      LOG.infof("Expired %d unpaid orders", total);
    }
  }

  /** Expires everything due at {@code now} (bounded per run); returns how many orders it expired. */
  public int expireDue(Instant now) {
    int total = 0;
    for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      int expired = orders.expireBatch(now, config.expiry().batchSize());
      total += expired;
      if (expired < config.expiry().batchSize()) {
        break;
      }
    }
    return total;
  }
}
