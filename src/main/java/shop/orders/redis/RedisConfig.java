package shop.orders.redis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the service uses Redis (redis.RedisCalls): an accelerator whose every call is bounded. */
@ConfigMapping(prefix = "redis")
public interface RedisConfig {
  /**
   * Deadline of a Redis call made on a request's path (catalog cache, carts, rate limits); past it the call is
   * abandoned, counted as a timeout, and the caller falls back. A frozen Redis costs a request at most this.
   */
  @WithDefault("PT0.05S")
  Duration deadline();

  /** Prefix of every key this service writes, so it can share a Redis with others and be cleaned by pattern. */
  @WithDefault("order-service:")
  String keyPrefix();

  /**
   * When false, a failed Redis call fails the request instead of falling back (the configuration of the
   * 2025-06-05 incident, kept only to replay it).
   */
  @WithDefault("true")
  boolean fallbacksEnabled();
}
