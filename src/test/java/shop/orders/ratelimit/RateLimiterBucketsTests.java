package shop.orders.ratelimit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bucket the limiter has no limits for is a programming error, not silently the orders' limit. No boot. */
class RateLimiterBucketsTests {
  @Test
  void anUnknownBucketIsRefusedBeforeAnythingIsCounted() {
    RateLimitConfig config = new SmallRyeConfigBuilder().withMapping(RateLimitConfig.class).build()
        .getConfigMapping(RateLimitConfig.class);
    var limiter = new RateLimiter(null, null, config, new SimpleMeterRegistry(), java.time.InstantSource.system());

    assertThatThrownBy(() -> limiter.enforce("refunds", "cust-1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refunds");
    assertThatThrownBy(() -> limiter.enforceHere("refunds", "customer:cust-1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refunds");
  }

  /** Shared buckets are counted in Redis, per-instance ones in memory: mixing them up is refused, not miscounted. */
  @Test
  void aBucketIsCountedOnlyWhereItBelongs() {
    RateLimitConfig config = new SmallRyeConfigBuilder().withMapping(RateLimitConfig.class).build()
        .getConfigMapping(RateLimitConfig.class);
    var limiter = new RateLimiter(null, null, config, new SimpleMeterRegistry(), java.time.InstantSource.system());

    assertThatThrownBy(() -> limiter.enforceHere(RateLimited.ORDERS, "customer:cust-1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shared");
    assertThatThrownBy(() -> limiter.enforce(RateLimited.API, "cust-1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per instance");
  }

  /** The per-instance buckets need no Redis: the gateway's third webhook in its window is refused, 429 + Retry-After. */
  @Test
  void aPerInstanceBucketRefusesBeyondItsLimitWithoutRedis() {
    RateLimitConfig config = new SmallRyeConfigBuilder().withMapping(RateLimitConfig.class)
        .withDefaultValue("rate-limit.webhooks-requests", "2").build().getConfigMapping(RateLimitConfig.class);
    var limiter = new RateLimiter(null, null, config, new SimpleMeterRegistry(), java.time.InstantSource.system());

    limiter.enforceHere(RateLimited.WEBHOOKS, "address:10.0.0.7", null);
    limiter.enforceHere(RateLimited.WEBHOOKS, "address:10.0.0.7", null);
    limiter.enforceHere(RateLimited.WEBHOOKS, "address:10.0.0.8", null);
    assertThatThrownBy(() -> limiter.enforceHere(RateLimited.WEBHOOKS, "address:10.0.0.7", null))
        .isInstanceOfSatisfying(shop.orders.problem.ApiException.class, refused -> {
          org.assertj.core.api.Assertions.assertThat(refused.problem().status()).isEqualTo(429);
          org.assertj.core.api.Assertions.assertThat(refused.problem().type()).endsWith("/rate-limited");
        });
  }
}
