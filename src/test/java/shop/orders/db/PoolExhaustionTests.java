package shop.orders.db;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With every pool connection taken (2 here), a request is refused with 503 after the acquisition timeout, not queued. */
@QuarkusTest
@TestProfile(PoolExhaustionTests.TwoConnectionPool.class)
class PoolExhaustionTests {
  private static final String PREFIX = Api.prefix(PoolExhaustionTests.class);

  public static class TwoConnectionPool implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // admission control off: this is the pool's own last line of defence behind it
      return Map.of("admission.enabled", "false",
          "quarkus.datasource.jdbc.min-size", "0", "quarkus.datasource.jdbc.max-size", "2",
          "quarkus.datasource.jdbc.acquisition-timeout", "PT0.5S");
    }
  }

  @Test
  void aRequestWithoutAConnectionGets503WithRetryAfterAndChangesNothing() throws Exception {
    String held = PREFIX + "HELD";
    String other = PREFIX + "OTHER";
    Api.putProduct(held, 1_000, 5);
    Api.putProduct(other, 1_000, 5);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);

    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select 1 from product where sku = '" + held + "' for no key update");
      // Two orders take both connections and wait for the row lock.
      var first = CompletableFuture.supplyAsync(
          () -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(held, 1)));
      var second = CompletableFuture.supplyAsync(
          () -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(held, 1)));
      TestDatabase.awaitLockWaiters(2);

      var refused = Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(other, 1));

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.retryAfter()).isEqualTo("1");
      assertThat(refused.body()).contains("database-busy").doesNotContain("Exception");
      db.rollback();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
      assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
    }
    assertThat(Api.available(other)).isEqualTo(5);
    assertThat(Api.available(held)).isEqualTo(3);
    Metrics.management().get("/q/metrics").then()
        .body(org.hamcrest.Matchers.containsString("db_busy_refusals_total{app=\"order-service\",reason=\"acquisition_timeout\"}"),
            org.hamcrest.Matchers.containsString("db_pool_max_size{app=\"order-service\"} 2.0"));
  }
}
