package shop.orders.ops;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.DatabaseProxy;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL unreachable (every connection cut by the proxy between the service and the database, new ones
 * refused): orders, reads and payments answer 503 {@code database-unavailable} (or {@code database-busy} when no
 * connection came in time) with Retry-After, never 500; readiness goes DOWN; once the database is back, orders are
 * 201 again within seconds, without a restart, and nothing half-written stays behind.
 */
@QuarkusTest
@WithTestResource(DatabaseProxy.class)
class DatabaseOutageTests {
  private static final String PREFIX = Api.prefix(DatabaseOutageTests.class);

  @AfterEach
  void bringTheDatabaseBack() throws Exception {
    DatabaseProxy.current().restore();
  }

  private static ExtractableResponse<Response> order(String token, String key, String sku) {
    return Api.placeOrder(token, key, Api.lines(sku, 1)).extract();
  }

  @Test
  void anOutageIsAnswered503WithRetryAfterAndOrdersResumeWhenTheDatabaseReturns() throws Exception {
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = PREFIX + "A";
    Api.putProduct(sku, 1_000, 100);
    String orderId = Api.placedOrderId(token, Api.lines(sku, 1));

    DatabaseProxy.current().cut();
    List<String> keysDuringOutage = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String key = UUID.randomUUID().toString();
      keysDuringOutage.add(key);
      assertUnavailable(order(token, key, sku));
    }
    assertUnavailable(given().auth().oauth2(token).get("/api/orders/{id}", orderId).then().extract());
    assertUnavailable(given().auth().oauth2(token).get("/api/orders").then().extract());
    assertUnavailable(given().auth().oauth2(token).contentType("application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"methodToken\":\"tok\"}")
        .post("/api/orders/{id}/payment", orderId).then().extract());
    Metrics.management().get("/q/health/ready").then().statusCode(503);
    Metrics.management().get("/q/health/live").then().statusCode(200);

    DatabaseProxy.current().restore();
    int status = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 40 && status != 201; i++) {
      status = order(token, keysDuringOutage.getFirst(), sku).statusCode();
      if (status != 201) {
        assertThat(status).as("while the pool recovers").isEqualTo(503);
        Thread.sleep(250);
      }
    }
    assertThat(status).as("orders are taken again within 10 s of the database's return").isEqualTo(201);
    System.out.printf("orders 201 again %d ms after the database came back%n", (System.nanoTime() - start) / 1_000_000);
    Metrics.management().get("/q/health/ready").then().statusCode(200);
    // each order refused during the outage wrote nothing: its key is free, one order per key, stock for two orders
    assertThat(shop.orders.testing.TestDatabase.ordersOf(customerOf(token))).isEqualTo(2);
    assertThat(Api.available(sku)).isEqualTo(98);
  }

  private static String customerOf(String token) {
    String claims = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
    var m = java.util.regex.Pattern.compile("\"sub\":\"([^\"]+)\"").matcher(claims);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static void assertUnavailable(ExtractableResponse<Response> response) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(503);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.<String>path("type")).matches(".*/database-(unavailable|busy)");
    assertThat(response.header("Retry-After")).isNotBlank();
  }
}
