package shop.orders.payment;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;

/** Orders, payments and gateway news as the payment tests stage them, through the API and the gateway's webhook. */
final class PaymentScenarios {
  static final String APPROVED = "{\"status\":\"APPROVED\",\"gateway_ref\":\"pg-1\"}";
  static final String WEBHOOK_SECRET = "local-webhook-secret";

  /** A customer's order of 2 units of a fresh SKU priced 25,000 with 5 in stock. */
  record Placed(String token, String orderId, String sku) {}

  private static volatile boolean warm;

  private PaymentScenarios() {
  }

  /**
   * Pays one order once per test JVM, so the charge path's first-call costs (REST client, JSON, JIT) do not count
   * against the tests' short gateway timeout. Leaves WireMock empty.
   */
  static void warmUp(Class<?> testClass) {
    if (warm) {
      return;
    }
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    for (int i = 0; i < 2; i++) {
      pay(order(testClass), UUID.randomUUID().toString());
    }
    gateway().resetAll();
    warm = true;
  }

  static Placed order(Class<?> testClass) {
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = Api.prefix(testClass) + UUID.randomUUID().toString().substring(0, 8);
    Api.putProduct(sku, 25_000, 5);
    return new Placed(token, Api.placedOrderId(token, Api.lines(sku, 2)), sku);
  }

  static ValidatableResponse pay(Placed order, String key) {
    var request = given().auth().oauth2(order.token()).contentType(ContentType.JSON)
        .body("{\"methodToken\":\"tok_visa\"}");
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request.when().post("/api/orders/{id}/payment", order.orderId()).then();
  }

  /** Pays with a gateway that charges but answers only after the client's timeout: 202, outcome UNKNOWN. */
  static String unknownPayment(Placed order) {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(APPROVED).withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    return pay(order, UUID.randomUUID().toString()).statusCode(202).extract().path("id");
  }

  static String orderStatus(Placed order) {
    return given().auth().oauth2(order.token()).get("/api/orders/{id}", order.orderId()).then().statusCode(200)
        .extract().path("status");
  }

  /** status and settled_by of a payment, as the database holds them. */
  static String paymentRow(String paymentId) throws SQLException {
    return TestDatabase.text("select status || '/' || coalesce(settled_by, '-') from payment where id = ?::uuid",
        paymentId);
  }

  static long capturedPayments(Placed order) throws SQLException {
    return TestDatabase.count("select count(*) from payment where order_id = ?::uuid and status = 'CAPTURED'",
        order.orderId());
  }

  /** Delivers a signed gateway webhook. */
  static ValidatableResponse webhook(String type, String paymentId) {
    String body = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"payment_id\":\"" + paymentId
        + "\",\"gateway_ref\":\"pg-hook\"}";
    long t = Instant.now().getEpochSecond();
    return given().contentType(ContentType.JSON).body(body)
        .header("PG-Signature", "t=" + t + ",v1=" + WebhookSignature.sign(WEBHOOK_SECRET, t, body))
        .post("/api/payments/webhook").then();
  }

  /** A counter's value on the metrics page (0 when the series does not exist yet). */
  static double metric(String name, String... labels) {
    return Metrics.sum(name, labels);
  }
}
