package shop.orders.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Rate limits (ratelimit.RateLimiter); each is {@code <bucket>-requests} per {@code <bucket>-per}, bursts included. */
@ConfigMapping(prefix = "rate-limit")
public interface RateLimitConfig {
  @WithDefault("true")
  boolean enabled();

  /**
   * Every call (bucket {@code api}), per customer, or per client address for calls without a token (the catalog):
   * 1,200 a minute, counted by each instance in its memory (no Redis call). A storefront polling an order every
   * second uses 60; it bounds what one client can take of an instance's door.
   */
  @WithDefault("1200")
  @Positive
  int apiRequests();

  @WithDefault("PT1M")
  Duration apiPer();

  /** Placing orders (POST /api/orders, POST /api/cart/checkout), retries with the same key included; shared. */
  @WithDefault("20")
  @Positive
  int ordersRequests();

  @WithDefault("PT1M")
  Duration ordersPer();

  /** Paying (POST /api/orders/{id}/payment); shared. */
  @WithDefault("10")
  @Positive
  int paymentsRequests();

  @WithDefault("PT1M")
  Duration paymentsPer();

  /**
   * The gateway's webhook deliveries per sending address and instance, instead of {@code api}: 1,000 a second
   * sustained, above what an instance serves (a gateway sends one per payment, from few addresses, at the shop's
   * payment rate). It bounds only a retry storm from one sender after its own outage: told to slow down (429 +
   * Retry-After, which gateways honour and retry later); the payments it is late on are also settled by the
   * charge sweep.
   */
  @WithDefault("60000")
  @Positive
  int webhooksRequests();

  @WithDefault("PT1M")
  Duration webhooksPer();

  /** Clients each instance tracks in memory (per-instance buckets, and the shared ones while Redis cannot be used). */
  @WithDefault("100000")
  @Positive
  int fallbackMaxCustomers();
}
