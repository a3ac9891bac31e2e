package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.sql.SQLException;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * An order whose status was written by a newer release (here 'ON_HOLD', which this release does not know), as an
 * older instance meets it during a rolling upgrade or after a rollback: every read and change of it answers 503
 * {@code written-by-newer-release} with Retry-After, never a 500, and the row is left exactly as it was. The newer
 * release's migration would have widened the status CHECK first (expand); this test widens it the same way.
 */
@QuarkusTest
class NewerReleaseValuesTests {
  private static final String PREFIX = Api.prefix(NewerReleaseValuesTests.class);
  private static final String WIDER_CHECK = "check (status in ('PENDING_PAYMENT', 'PAID', 'CANCELLED', 'EXPIRED', "
      + "'REFUNDED', 'ON_HOLD'))";

  @BeforeAll
  static void aNewerReleaseWidenedTheCheck() throws SQLException {
    try (var c = TestDatabase.connect()) {
      c.createStatement().execute("alter table customer_order drop constraint customer_order_status_check, "
          + "add constraint customer_order_status_check " + WIDER_CHECK);
    }
  }

  @AfterAll
  static void checkAsItWas() throws SQLException {
    try (var c = TestDatabase.connect()) {
      c.createStatement().execute("update customer_order set status = 'CANCELLED' where status = 'ON_HOLD'");
      c.createStatement().execute("alter table customer_order drop constraint customer_order_status_check, "
          + "add constraint customer_order_status_check check (status in ('PENDING_PAYMENT', 'PAID', 'CANCELLED', "
          + "'EXPIRED', 'REFUNDED'))");
    }
  }

  @Test
  void anOrderInAStatusThisReleaseDoesNotKnowIs503AndLeftAsItIs() throws SQLException {
    String sku = PREFIX + "HELD";
    Api.putProduct(sku, 1_000, 5);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    String id = Api.placedOrderId(token, Api.lines(sku, 1));
    try (var c = TestDatabase.connect();
         var update = c.prepareStatement("update customer_order set status = 'ON_HOLD' where id = ?::uuid")) {
      update.setString(1, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }

    given().auth().oauth2(token).when().get("/api/orders/{id}", id).then().statusCode(503)
        .contentType(startsWith("application/problem+json")).header("Retry-After", notNullValue())
        .body("type", endsWith("/written-by-newer-release"));
    given().auth().oauth2(token).when().get("/api/orders").then().statusCode(503)
        .body("type", endsWith("/written-by-newer-release"));
    given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id).then().statusCode(503)
        .body("type", endsWith("/written-by-newer-release"));

    assertThat(TestDatabase.text("select status from customer_order where id = ?::uuid", id))
        .as("the row is not rewritten").isEqualTo("ON_HOLD");
    assertThat(Api.available(sku)).as("stock untouched").isEqualTo(4);

    // once the value is one this release knows again (the newer release moved it on), the order reads as usual
    try (var c = TestDatabase.connect();
         var update = c.prepareStatement("update customer_order set status = 'PENDING_PAYMENT' where id = ?::uuid")) {
      update.setString(1, id);
      update.executeUpdate();
    }
    given().auth().oauth2(token).when().get("/api/orders/{id}", id).then().statusCode(200)
        .body("status", is("PENDING_PAYMENT"));
  }
}
