package shop.orders.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.redis.RedisCalls;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Per-customer rate limits as GCRA (a token bucket kept as one timestamp): {@code requests} per {@code per} with a
 * burst of {@code requests}, then one every {@code per / requests}. Shared by every instance through one Lua script
 * in Redis; when Redis cannot answer in time, this instance applies the same limit from its own memory, so a broken
 * Redis never fails a request (with N instances a customer may then get up to N times the limit).
 */
@ApplicationScoped
public class RateLimiter {
  /** Returns 0 when allowed (and takes the slot), else the milliseconds until the next request is allowed. */
  private static final String GCRA = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local interval = tonumber(ARGV[1])
      local tolerance = interval * (tonumber(ARGV[2]) - 1)
      local tat = tonumber(redis.call('GET', KEYS[1]) or now)
      if tat < now then tat = now end
      if now < tat - tolerance then return tat - tolerance - now end
      redis.call('SET', KEYS[1], tat + interval, 'PX', tat + interval - now)
      return 0""";

  private final ReactiveRedisDataSource redis;
  private final RedisCalls calls;
  private final RateLimitConfig config;
  private final LocalLimits local;
  private final MeterRegistry registry;

  RateLimiter(ReactiveRedisDataSource redis, RedisCalls calls, RateLimitConfig config,
              MeterRegistry registry, InstantSource clock) {
    this.redis = redis;
    this.registry = registry;
    this.calls = calls;
    this.config = config;
    this.local = new LocalLimits(clock, config.fallbackMaxCustomers());
  }

  /** Succeeds when the request may go on; fails with 429 + Retry-After (nothing done) when the customer must wait. */
  public Uni<Void> enforce(String bucket, String customerId) {
    if (!config.enabled()) {
      return Uni.createFrom().voidItem();
    }
    return check(bucket, customerId).invoke(wait -> wait.ifPresent(w -> {
      throw tooMany(bucket, w);
    })).replaceWithVoid();
  }

  private ApiException tooMany(String bucket, Duration wait) {
    registry.counter("rate.limit.rejected", "bucket", bucket).increment();
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return new ApiException(Problem.of(429, "rate-limited", "Too many requests",
        "At most " + burst(bucket) + " " + bucket + " requests per " + per(bucket).toSeconds()
            + " s per customer; nothing was done. Retry after " + seconds + " s (with the same Idempotency-Key).")
        .with("bucket", bucket).with("limit", burst(bucket)).with("windowSeconds", per(bucket).toSeconds()),
        Duration.ofSeconds(seconds));
  }

  /** Empty when the request may go on; otherwise how long the customer must wait. */
  private Uni<Optional<Duration>> check(String bucket, String customerId) {
    long interval = intervalMillis(bucket);
    int burst = burst(bucket);
    String key = calls.key("rate", bucket, customerId);
    return calls.orElse(
        calls.call(() -> redis.execute("EVAL", GCRA, "1", key, Long.toString(interval), Integer.toString(burst)))
            .map(waitMillis -> waitOf(waitMillis.toLong())),
        "rate_limit", failure -> waitOf(local.waitMillis(key, interval, burst)));
  }

  private int burst(String bucket) {
    return switch (known(bucket)) {
      case RateLimited.PAYMENTS -> config.paymentsRequests();
      default -> config.ordersRequests();
    };
  }

  private Duration per(String bucket) {
    return switch (known(bucket)) {
      case RateLimited.PAYMENTS -> config.paymentsPer();
      default -> config.ordersPer();
    };
  }

  /** A bucket this limiter has limits for; any other name is a programming error, not the orders' limit. */
  private static String known(String bucket) {
    if (!RateLimited.ORDERS.equals(bucket) && !RateLimited.PAYMENTS.equals(bucket)) {
      throw new IllegalArgumentException("no rate limit is configured for bucket '" + bucket + "'");
    }
    return bucket;
  }

  private long intervalMillis(String bucket) {
    return Math.max(1, per(bucket).toMillis() / burst(bucket));
  }

  private static Optional<Duration> waitOf(long millis) {
    return millis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
  }
}
