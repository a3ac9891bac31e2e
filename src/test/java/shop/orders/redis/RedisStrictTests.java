package shop.orders.redis;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.notNullValue;

/**
 * With {@code redis.fallbacks-enabled=false} (the 2025-06-05 configuration, replayed by bin/replay-incident) and no
 * Redis, an order is refused honestly: 503 problem+json {@code redis-unavailable} with Retry-After, nothing placed,
 * never a 500.
 */
@QuarkusTest
@TestProfile(RedisStrictTests.NoRedisNoFallbacks.class)
class RedisStrictTests {
  private static final String PREFIX = Api.prefix(RedisStrictTests.class);

  public static class NoRedisNoFallbacks implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // port 1 on loopback: nothing listens, every Redis call fails at once
      return Map.of("redis.fallbacks-enabled", "false", "quarkus.redis.hosts", "redis://127.0.0.1:1");
    }
  }

  @Test
  void anOrderNeedingRedisIsRefusedWith503AndNothingIsPlaced() throws Exception {
    String sku = PREFIX + "STRICT";
    Api.putProduct(sku, 1_000, 5);
    String customer = Api.newCustomer();
    for (int i = 0; i < 3; i++) {
      Api.placeOrder(LocalTokens.customer(customer), UUID.randomUUID().toString(), Api.lines(sku, 1))
          .statusCode(503).contentType("application/problem+json")
          .body("type", endsWith("/redis-unavailable"))
          .header("Retry-After", notNullValue());
    }
    assertThat(TestDatabase.ordersOf(customer)).isZero();
    assertThat(Api.available(sku)).isEqualTo(5);
  }
}
