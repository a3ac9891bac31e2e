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

  Events events();

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

  /** The outbox relay (order.OrderEventRelay): order_event rows to the broker. */
  interface Events {
    /** How often the relay looks for unpublished events (a scheduler period, or {@code off}). */
    @WithDefault("1s")
    String relayEvery();

    /** Events per batch: published together, confirmed together, marked published in one statement. */
    @WithDefault("500")
    @Positive
    int batchSize();

    /**
     * How long the relay that published last stays the only one (renewed with every batch): one relay at a time
     * keeps each order's events in order. A relay that stops is replaced after this long.
     */
    @WithDefault("PT15S")
    Duration lease();

    /** How long published events are kept before the relay deletes them. */
    @WithDefault("P7D")
    Duration retention();
  }
}
