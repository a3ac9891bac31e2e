package shop.orders.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Per-customer limits on order and payment POSTs (ratelimit.RateLimiter). */
@ConfigMapping(prefix = "rate-limit")
public interface RateLimitConfig {
  @WithDefault("true")
  boolean enabled();

  /** Placing orders (POST /api/orders, POST /api/cart/checkout), retries with the same key included. */
  @WithDefault("20")
  @Positive
  int ordersRequests();

  @WithDefault("PT1M")
  Duration ordersPer();

  /** Paying (POST /api/orders/{id}/payment). */
  @WithDefault("10")
  @Positive
  int paymentsRequests();

  @WithDefault("PT1M")
  Duration paymentsPer();

  /** Customers this instance tracks itself while Redis cannot be used (least recently seen beyond it are dropped). */
  @WithDefault("100000")
  @Positive
  int fallbackMaxCustomers();
}
