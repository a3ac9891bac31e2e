package shop.orders.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Orders (order.OrderService, order.OrderExpiryJob). */
@ConfigMapping(prefix = "order")
public interface OrderConfig {
  /** How long a new order holds its stock while waiting for payment; then the expiry job releases it. */
  @WithDefault("PT15M")
  Duration paymentWindow();

  Expiry expiry();

  /**
   * Deadline of each Redis call on the order path; past it Redis is ignored and the database decides. Not tens of
   * milliseconds: in bin/bench-flash-sale on 2 busy cores, a 50 ms deadline sent nearly every sold-out refusal to
   * the database (its fallback), which made the overload worse; at 250 ms 0.3% did.
   */
  @WithDefault("PT0.25S")
  Duration redisDeadline();

  /**
   * Name (under {@code redis.key-prefix}) of the Redis keys that remember which idempotency keys placed an order
   * (order.RecentOrderKeys).
   */
  @WithDefault("order-key")
  String redisKeyName();

  interface Expiry {
    /**
     * How often the expiry job looks for unpaid orders past their window (a scheduler period, or {@code off}).
     * {@code @Scheduled} reads it by name; declared here so the key has its one default and is validated.
     */
    @WithDefault("30s")
    String every();

    /** Orders expired per transaction: bounded so one batch holds its row locks for milliseconds. */
    @WithDefault("100")
    @Positive
    int batchSize();
  }
}
