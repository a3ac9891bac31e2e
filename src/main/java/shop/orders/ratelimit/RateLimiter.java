package shop.orders.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.redis.RedisCalls;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Rate limits as GCRA (a token bucket kept as one timestamp): {@code requests} per {@code per} with a burst of
 * {@code requests}, then one every {@code per / requests}. The per-customer {@code orders} and {@code payments}
 * buckets are shared by every instance through one Lua script in Redis; when Redis cannot answer in time, this
 * instance applies the same limit from its own memory, so a broken Redis never fails a request (with N instances a
 * customer may then get up to N times the limit). The {@code api} and {@code webhooks} buckets are counted by each
 * instance in its memory. Each decision is attached to the request, whose answer reports it (RateLimitFilter).
 */
@ApplicationScoped
public class RateLimiter {
  /**
   * {wait ms (0: allowed, the slot taken), requests left at once, ms until the allowance is whole, 1 when the second
   * key existed already}; interval 0: no limit. When allowed and a second key is given, sets it for ARGV[3] ms in the
   * same call (a {@link Mark}).
   */
  private static final String GCRA = """
      local interval = tonumber(ARGV[1])
      local result = {0, 0, 0, 0}
      if interval > 0 then
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local tolerance = interval * (tonumber(ARGV[2]) - 1)
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        if now < tat - tolerance then return {tat - tolerance - now, 0, tat - now, 0} end
        local next = tat + interval
        redis.call('SET', KEYS[1], next, 'PX', next - now)
        result = {0, math.floor((now + tolerance - next) / interval) + 1, next - now, 0}
      end
      if #KEYS > 1 then
        result[4] = redis.call('EXISTS', KEYS[2])
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
      end
      return result""";

  /**
   * A key the caller wants set in Redis for {@code ttl} when its request is allowed, in the same round trip as the
   * limit's check (also when limits are off); {@code whenNew} runs when Redis set it and it did not exist before,
   * {@code whenNotSet} when Redis could not be used.
   */
  public record Mark(String key, Duration ttl, Runnable whenNew, Runnable whenNotSet) {}

  private static final LocalLimits.Allowance UNLIMITED = new LocalLimits.Allowance(0, 0, 0);

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

  /**
   * A shared bucket ({@code orders}, {@code payments}): succeeds when the customer's request may go on, fails with
   * 429 + Retry-After (nothing done) when they must wait. The decision is reported on {@code request}'s answer.
   */
  public Uni<Void> enforce(String bucket, String customerId, RoutingContext request) {
    return enforce(bucket, customerId, request, null);
  }

  /** As {@link #enforce(String, String, RoutingContext)}, setting {@code mark} in the same Redis call when allowed. */
  public Uni<Void> enforce(String bucket, String customerId, RoutingContext request, Mark mark) {
    boolean limited = config.enabled();
    if (!limited && mark == null) {
      return Uni.createFrom().voidItem();
    }
    long interval = limited ? intervalMillis(shared(bucket)) : 0;
    int burst = burst(bucket);
    String key = calls.key("rate", bucket, customerId);
    String[] args = mark == null
        ? new String[] {GCRA, "1", key, Long.toString(interval), Integer.toString(burst), "0"}
        : new String[] {GCRA, "2", key, mark.key(), Long.toString(interval), Integer.toString(burst),
            Long.toString(mark.ttl().toMillis())};
    Uni<LocalLimits.Allowance> call = calls.call(() -> redis.execute("EVAL", args)).map(reply -> {
      if (mark != null && reply.get(0).toLong() == 0 && reply.get(3).toLong() == 0) {
        mark.whenNew().run();
      }
      return allowance(reply);
    });
    if (!limited) {
      // only the mark was asked for: as the record it replaces, it never fails the request
      return call.onFailure().recoverWithItem(failure -> {
        mark.whenNotSet().run();
        return UNLIMITED;
      }).replaceWithVoid();
    }
    return calls.orElse(call, "rate_limit", failure -> {
          LocalLimits.Allowance allowance = local.take(key, interval, burst);
          if (mark != null && allowance.waitMillis() == 0) {
            mark.whenNotSet().run();
          }
          return allowance;
        })
        .invoke(allowance -> decide(bucket, allowance, request)).replaceWithVoid();
  }

  /**
   * A bucket counted by this instance alone ({@code api}, {@code webhooks}) for one client: returns when the request
   * may go on, throws 429 + Retry-After otherwise. The decision is reported on {@code request}'s answer.
   */
  public void enforceHere(String bucket, String client, RoutingContext request) {
    if (config.enabled()) {
      decide(bucket, local.take(bucket + ":" + client, intervalMillis(perInstance(bucket)), burst(bucket)), request);
    }
  }

  private void decide(String bucket, LocalLimits.Allowance allowance, RoutingContext request) {
    new Quota(bucket, burst(bucket), per(bucket).toSeconds(), allowance.remaining(), seconds(allowance.resetMillis()))
        .attachTo(request);
    if (allowance.waitMillis() > 0) {
      throw tooMany(bucket, Duration.ofMillis(allowance.waitMillis()));
    }
  }

  private static LocalLimits.Allowance allowance(Response reply) {
    return new LocalLimits.Allowance(reply.get(0).toLong(), reply.get(1).toLong(), reply.get(2).toLong());
  }

  private ApiException tooMany(String bucket, Duration wait) {
    registry.counter("rate.limit.rejected", "bucket", bucket).increment();
    long seconds = seconds(wait.toMillis());
    String per = RateLimited.ORDERS.equals(bucket) || RateLimited.PAYMENTS.equals(bucket) ? " per customer"
        : " per client on this instance";
    return new ApiException(Problem.of(429, "rate-limited", "Too many requests",
        "At most " + burst(bucket) + " " + bucket + " requests per " + per(bucket).toSeconds() + " s" + per
            + "; nothing was done. Retry after " + seconds + " s (with the same Idempotency-Key).")
        .with("bucket", bucket).with("limit", burst(bucket)).with("windowSeconds", per(bucket).toSeconds()),
        Duration.ofSeconds(seconds));
  }

  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  private int burst(String bucket) {
    return switch (known(bucket)) {
      case RateLimited.ORDERS -> config.ordersRequests();
      case RateLimited.PAYMENTS -> config.paymentsRequests();
      case RateLimited.WEBHOOKS -> config.webhooksRequests();
      default -> config.apiRequests();
    };
  }

  private Duration per(String bucket) {
    return switch (known(bucket)) {
      case RateLimited.ORDERS -> config.ordersPer();
      case RateLimited.PAYMENTS -> config.paymentsPer();
      case RateLimited.WEBHOOKS -> config.webhooksPer();
      default -> config.apiPer();
    };
  }

  /** A bucket this limiter has limits for; any other name is a programming error, not another bucket's limit. */
  private static String known(String bucket) {
    return switch (bucket) {
      case RateLimited.ORDERS, RateLimited.PAYMENTS, RateLimited.WEBHOOKS, RateLimited.API -> bucket;
      default -> throw new IllegalArgumentException("no rate limit is configured for bucket '" + bucket + "'");
    };
  }

  private static String shared(String bucket) {
    if (!RateLimited.ORDERS.equals(known(bucket)) && !RateLimited.PAYMENTS.equals(bucket)) {
      throw new IllegalArgumentException("bucket '" + bucket + "' is counted per instance, not shared");
    }
    return bucket;
  }

  private static String perInstance(String bucket) {
    if (!RateLimited.API.equals(known(bucket)) && !RateLimited.WEBHOOKS.equals(bucket)) {
      throw new IllegalArgumentException("bucket '" + bucket + "' is shared, not counted per instance");
    }
    return bucket;
  }

  private long intervalMillis(String bucket) {
    return Math.max(1, per(bucket).toMillis() / burst(bucket));
  }
}
