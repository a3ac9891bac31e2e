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

  interface Expiry {
    /** How often the expiry job looks for unpaid orders past their window (a scheduler period). */
    @WithDefault("30s")
    String every();

    /** Orders expired per transaction: bounded so one batch holds its row locks for milliseconds. */
    @WithDefault("100")
    @Positive
    int batchSize();
  }
}
