package shop.orders.cart;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Carts, kept in Redis per customer (cart.CartStore). */
@ConfigMapping(prefix = "cart")
public interface CartConfig {
  /** How long an untouched cart is kept; every change starts the period again. */
  @WithDefault("P7D")
  Duration ttl();

  /** Distinct SKUs a cart may hold: an order takes at most 50 lines. */
  @WithDefault("50")
  @Positive
  int maxLines();

  /** Retry-After sent with the 503 answered while Redis cannot be used. */
  @WithDefault("PT2S")
  Duration retryAfter();
}
