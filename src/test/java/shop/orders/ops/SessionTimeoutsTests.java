package shop.orders.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The service's database sessions carry lock and statement timeouts: an order stuck behind a lock someone else
 * holds is refused with 503 (and counted) instead of holding its connection for as long as the lock lasts.
 */
@QuarkusTest
class SessionTimeoutsTests {

  @Test
  void anOrderBehindAHeldLockIsRefusedNotKeptWaitingAndTheNextOnesAtOnce() throws Exception {
    String sku = Api.prefix(SessionTimeoutsTests.class) + "LOCKED";
    Api.putProduct(sku, 1_000, 5);
    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select 1 from product where sku = '" + sku + "' for no key update");

      var reply = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1));

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.retryAfter()).isNotNull();

      // Something else holds that row: the next orders for it are refused at once, without waiting on the lock.
      double transactions = metric("orders_place_transactions_total");
      for (int i = 0; i < 3; i++) {
        var next = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
            Api.lines(sku, 1));
        assertThat(next.status()).isEqualTo(503);
        assertThat(next.retryAfter()).isEqualTo("1");
        assertThat(next.body()).contains("sku-busy").contains(sku);
      }
      assertThat(metric("orders_place_transactions_total")).isEqualTo(transactions);
      assertThat(metric("orders_stock_row_stuck_rejected_total")).isGreaterThanOrEqualTo(3);

      // After catalog.hot-sku.stuck-for (2 s) one order tries the row again; still held, so it is refused and the
      // SKU is marked again: the order after it is refused at once.
      Thread.sleep(2_100);
      var probe = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1));
      assertThat(probe.status()).isEqualTo(503);
      assertThat(probe.body()).contains("database-busy");
      var afterProbe = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1));
      assertThat(afterProbe.body()).contains("sku-busy");
      db.rollback();
    }
    assertThat(Api.available(sku)).isEqualTo(5);
    // Once the row is free the SKU sells again, at the latest after catalog.hot-sku.stuck-for (2 s)
    int status = 0;
    for (int i = 0; i < 40 && status != 201; i++) {
      Thread.sleep(100);
      status = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1)).status();
    }
    assertThat(status).isEqualTo(201);
    assertThat(Api.available(sku)).isEqualTo(4);
    Metrics.management().get("/q/metrics").then()
        .body(containsString("db_busy_refusals_total{app=\"order-service\",reason=\"lock_timeout\"}"));
  }

  private static double metric(String name) {
    return Metrics.sum(name);
  }
}
