package shop.orders.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.common.Api;
import shop.orders.common.LocalTokens;
import shop.orders.common.TestDatabase;

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
  void anOrderBehindAHeldLockIsRefusedNotKeptWaiting() throws Exception {
    String sku = Api.prefix(SessionTimeoutsTests.class) + "LOCKED";
    Api.putProduct(sku, 1_000, 5);
    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select 1 from product where sku = '" + sku + "' for no key update");

      var reply = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1));

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.retryAfter()).isNotNull();
      db.rollback();
    }
    assertThat(Api.available(sku)).isEqualTo(5);
    given().port(9001).get("/q/metrics").then()
        .body(containsString("db_busy_refusals_total{app=\"order-service\",reason=\"lock_timeout\"}"));
  }
}
