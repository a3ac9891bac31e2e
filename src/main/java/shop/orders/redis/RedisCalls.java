package shop.orders.redis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;
import shop.orders.http.Blocking;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way the service talks to Redis on a request's path: each call has a deadline, and a circuit breaker
 * stops calling Redis once most calls fail, so a broken Redis costs a request at most one deadline and, while the
 * breaker is open, nothing. Failures are counted by kind ({@code redis_command_errors_total}) and the last one is
 * kept for the Redis health group. Callers decide the fallback.
 * <p>
 * Three breakers: {@value #BREAKER} for the short calls that have a fallback (catalog cache, rate limits,
 * announcements), {@value #ORDER_KEYS_BREAKER} for the sold-out short circuit's lookups and {@value #CARTS_BREAKER}
 * for carts, which have none. In a flash-sale burst on busy cores some 50 ms calls time out although Redis is
 * fine; that may open the first breaker, but it must neither switch the short circuit's lookups to their
 * fallback, the database, just when it is busiest, nor refuse carts.
 * <p>
 * Every call's outcome is delivered back on the caller's event loop (a deadline fires on a worker), so whatever
 * the caller does next, another Redis call included, starts there.
 */
@ApplicationScoped
public class RedisCalls {
  public static final String BREAKER = "redis";
  public static final String ORDER_KEYS_BREAKER = "redis-order-keys";
  public static final String CARTS_BREAKER = "redis-carts";
  public static final List<String> BREAKERS = List.of(BREAKER, ORDER_KEYS_BREAKER, CARTS_BREAKER);
  private static final Logger LOG = Logger.getLogger(RedisCalls.class);

  private final MeterRegistry registry;
  private final RedisConfig config;
  private final RedisFailures failures;

  @Inject
  RedisCalls(MeterRegistry registry, RedisConfig config, RedisFailures failures,
             CircuitBreakerMaintenance breakers) {
    this.registry = registry;
    this.config = config;
    this.failures = failures;
    for (String breaker : BREAKERS) {
      Gauge.builder("redis.breaker.open", () -> breakers.currentState(breaker) == CircuitBreakerState.OPEN ? 1 : 0)
          .tag("breaker", breaker)
          .description("1 while this Redis circuit breaker is open: Redis is not called and its uses fall back")
          .register(registry);
    }
  }

  /** {@code command} under the default deadline ({@code redis.deadline}). */
  public <T> Uni<T> call(Supplier<Uni<T>> command) {
    return call(config.deadline(), command);
  }

  /** {@code command} under {@code deadline}; fails with the cause when Redis errs, is late, or the breaker is open. */
  public <T> Uni<T> call(Duration deadline, Supplier<Uni<T>> command) {
    return settled(guarded(deadline, command));
  }

  /** {@code command} for the sold-out short circuit (order.RecentOrderKeys), behind its own breaker. */
  public <T> Uni<T> callForOrderKeys(Duration deadline, Supplier<Uni<T>> command) {
    return settled(guardedForOrderKeys(deadline, command));
  }

  /** {@code command} for carts (cart.CartStore), behind their own breaker, under the default deadline. */
  public <T> Uni<T> callForCarts(Supplier<Uni<T>> command) {
    return settled(guardedForCarts(config.deadline(), command));
  }

  /**
   * {@code call}'s answer; when it failed, {@code fallback}'s (counted in {@code redis_fallbacks_total{use}}), or
   * 503 {@code redis-unavailable} when {@code redis.fallbacks-enabled} is false.
   */
  public <T> Uni<T> orElse(Uni<T> call, String use, Function<Throwable, T> fallback) {
    return call.onFailure().recoverWithUni(failure -> {
      if (!config.fallbacksEnabled()) {
        return Uni.createFrom().failure(unavailable());
      }
      countFallback(use);
      return Uni.createFrom().item(() -> fallback.apply(failure));
    });
  }

  /** The failure to answer when Redis failed and {@code redis.fallbacks-enabled} is false: 503, nothing done. */
  public ApiException unavailable() {
    return new ApiException(Problem.of(503, "redis-unavailable", "Temporarily unavailable",
        "A service this request needs is unavailable and nothing was done; retry shortly."), Duration.ofSeconds(2));
  }

  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 2000, successThreshold = 2)
  @CircuitBreakerName(BREAKER)
  <T> Uni<T> guarded(Duration deadline, Supplier<Uni<T>> command) {
    return bounded(deadline, command);
  }

  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 2000, successThreshold = 2)
  @CircuitBreakerName(CARTS_BREAKER)
  <T> Uni<T> guardedForCarts(Duration deadline, Supplier<Uni<T>> command) {
    return bounded(deadline, command);
  }

  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 2000, successThreshold = 2)
  @CircuitBreakerName(ORDER_KEYS_BREAKER)
  <T> Uni<T> guardedForOrderKeys(Duration deadline, Supplier<Uni<T>> command) {
    return bounded(deadline, command);
  }

  private <T> Uni<T> settled(Uni<T> call) {
    var backOnEventLoop = Blocking.eventLoopOfThisRequest();
    return call.onFailure(CircuitBreakerOpenException.class)
        .invoke(open -> registry.counter("redis.calls.short.circuited").increment())
        .emitOn(backOnEventLoop);
  }

  private <T> Uni<T> bounded(Duration deadline, Supplier<Uni<T>> command) {
    return Uni.createFrom().<T>deferred(command::get)
        .ifNoItem().after(deadline).fail()
        .onFailure().invoke(failure -> {
          String kind = RedisFailures.kindOf(failure);
          registry.counter("redis.command.errors", "kind", kind).increment();
          failures.record(kind, failure);
          LOG.debugf("Redis call failed (%s): %s", kind, failure.toString());
        });
  }

  /** Counts a use that went on without Redis ({@code redis_fallbacks_total{use}}). */
  public void countFallback(String use) {
    registry.counter("redis.fallbacks", "use", use).increment();
  }

  public Duration deadline() {
    return config.deadline();
  }

  public boolean fallbacksEnabled() {
    return config.fallbacksEnabled();
  }

  public String key(String... parts) {
    return config.keyPrefix() + String.join(":", parts);
  }
}
