package shop.orders.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Redis' state for people, at {@code /q/health/group/redis} on the management port, deliberately outside
 * readiness: the service keeps taking orders without Redis, so Kubernetes must not pull pods when it fails. A PING
 * (which a disk-full Redis answers with MISCONF) bypasses the breaker, so this shows Redis as it is now; the
 * breaker's state and the last failure say what the service has been doing about it.
 */
@HealthGroup("redis")
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {
  private final ReactiveRedisDataSource redis;
  private final CircuitBreakerMaintenance breakers;
  private final RedisFailures failures;
  private final RedisConfig config;

  RedisHealthCheck(ReactiveRedisDataSource redis, CircuitBreakerMaintenance breakers, RedisFailures failures,
                   RedisConfig config) {
    this.redis = redis;
    this.breakers = breakers;
    this.failures = failures;
    this.config = config;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    var builder = HealthCheckResponse.named("redis")
        .withData("breaker", breakers.currentState(RedisCalls.BREAKER).name())
        .withData("orderKeysBreaker", breakers.currentState(RedisCalls.ORDER_KEYS_BREAKER).name())
        .withData("cartsBreaker", breakers.currentState(RedisCalls.CARTS_BREAKER).name());
    failures.last().ifPresent(last -> builder
        .withData("lastFailureKind", last.kind())
        .withData("lastFailure", last.message())
        .withData("lastFailureAt", last.at().toString()));
    return redis.execute("PING")
        .ifNoItem().after(config.deadline().multipliedBy(10)).fail()
        .map(pong -> builder.up().withData("ping", pong.toString()).build())
        .onFailure().recoverWithItem(failure -> builder.down()
            .withData("ping", RedisFailures.kindOf(failure) + ": " + RedisFailures.firstLine(failure)).build());
  }

}
