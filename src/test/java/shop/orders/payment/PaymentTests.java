package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.order.OrderExpiryJob;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;

@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class PaymentTests extends WithPaymentGateway {
  private static final String PREFIX = Api.prefix(PaymentTests.class);
  private static final String APPROVED = "{\"status\":\"APPROVED\",\"gateway_ref\":\"pg-1\"}";
  private static final String DECLINED = "{\"status\":\"DECLINED\",\"gateway_ref\":\"pg-2\"}";

  @Inject
  ReconciliationJob reconciliation;
  @Inject
  OrderExpiryJob expiry;
  @Inject
  PaymentConfig config;

  private static String order(String token) {
    String sku = PREFIX + UUID.randomUUID().toString().substring(0, 8);
    Api.putProduct(sku, 25_000, 5);
    return Api.placedOrderId(token, Api.lines(sku, 2));
  }

  private static ValidatableResponse pay(String token, String orderId, String key) {
    var request = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"methodToken\":\"tok_visa\"}");
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request.when().post("/api/orders/{id}/payment", orderId).then();
  }

  private static String orderStatus(String token, String orderId) {
    return given().auth().oauth2(token).get("/api/orders/{id}", orderId).then().statusCode(200).extract().path("status");
  }

  @Test
  void anApprovedPaymentPaysTheOrderAndARetryChargesNothingMore() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    String token = LocalTokens.customer(Api.newCustomer());
    String orderId = order(token);
    String key = UUID.randomUUID().toString();

    String paymentId = pay(token, orderId, key).statusCode(201)
        .body("status", is("CAPTURED"), "amount.amountMinor", is(50_000), "gatewayRef", is("pg-1"))
        .header("Location", endsWith("/api/orders/" + orderId + "/payment"))
        .extract().path("id");
    pay(token, orderId, key).statusCode(201).header("Idempotent-Replayed", "true").body("id", is(paymentId));

    assertThat(orderStatus(token, orderId)).isEqualTo("PAID");
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments"))
        .withHeader("Idempotency-Key", equalTo(paymentId)));
    pay(token, orderId, UUID.randomUUID().toString()).statusCode(409).body("type", endsWith("/order-state-conflict"));
  }

  @Test
  void aDeclinedPaymentLeavesTheOrderPayable() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(DECLINED)));
    String token = LocalTokens.customer(Api.newCustomer());
    String orderId = order(token);

    pay(token, orderId, UUID.randomUUID().toString()).statusCode(402)
        .contentType(startsWith("application/problem+json")).body("type", endsWith("/payment-declined"));
    assertThat(orderStatus(token, orderId)).isEqualTo("PENDING_PAYMENT");

    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    pay(token, orderId, UUID.randomUUID().toString()).statusCode(201);
    assertThat(orderStatus(token, orderId)).isEqualTo("PAID");
    assertThat(events(orderId)).isEqualTo("1 shop.order.placed PENDING_PAYMENT, 2 shop.order.payment-failed "
        + "PENDING_PAYMENT, 3 shop.order.paid PAID");
  }

  /** The order's events in sequence: "seq type status" each. */
  private static String events(String orderId) throws java.sql.SQLException {
    return TestDatabase.text("select string_agg(seq || ' ' || type || ' ' || (data->>'status'), ', ' order by seq)"
        + " from order_event where order_id = ?::uuid", orderId);
  }

  @Test
  void aSlowGatewayGives202ThenReconciliationSettlesItExactlyOnce() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(APPROVED).withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    String token = LocalTokens.customer(Api.newCustomer());
    String orderId = order(token);

    String paymentId = pay(token, orderId, UUID.randomUUID().toString()).statusCode(202)
        .body("status", is("UNKNOWN")).header("Location", notNullValue()).extract().path("id");
    given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().statusCode(200)
        .body("status", is("UNKNOWN"));
    given().auth().oauth2(token).post("/api/orders/{id}/cancel", orderId).then().statusCode(409);

    expiry.expireDue(Instant.now().plus(Duration.ofHours(1)));
    assertThat(orderStatus(token, orderId)).as("an order being paid never expires").isEqualTo("PENDING_PAYMENT");

    gateway().stubFor(get(urlPathMatching("/v1/payments/.*")).willReturn(okJson(APPROVED)));
    Instant later = Instant.now().plus(Duration.ofMinutes(1));
    assertThat(reconciliation.settleDue(later)).isGreaterThanOrEqualTo(1);
    assertThat(reconciliation.settleDue(later.plus(Duration.ofMinutes(5)))).isZero();

    assertThat(orderStatus(token, orderId)).isEqualTo("PAID");
    given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().body("status", is("CAPTURED"));
    gateway().verify(1, getRequestedFor(urlPathEqualTo("/v1/payments/" + paymentId)));
  }

  @Test
  void aPaymentTheGatewayNeverSettlesFailsAfterItsWindowAndTheOrderIsPayableAgain() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(APPROVED).withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    String token = LocalTokens.customer(Api.newCustomer());
    String orderId = order(token);
    pay(token, orderId, UUID.randomUUID().toString()).statusCode(202);

    // the gateway never records it: lookups find nothing, the charge sent again is "still in progress"
    gateway().stubFor(get(urlPathMatching("/v1/payments/.*")).willReturn(notFound()));
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
        .aResponse().withStatus(409).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"idempotency_key_in_use\"}")));
    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(1)));
    given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().body("status", is("UNKNOWN"));
    reconciliation.settleDue(Instant.now().plus(config.reconciliation().notFoundFinalAfter()).plusSeconds(60));

    given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().body("status", is("FAILED"));
    assertThat(events(orderId)).as("an unknown outcome is closed by an event").isEqualTo("1 shop.order.placed "
        + "PENDING_PAYMENT, 2 shop.order.payment-unknown PENDING_PAYMENT, 3 shop.order.payment-failed PENDING_PAYMENT");
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    pay(token, orderId, UUID.randomUUID().toString()).statusCode(201);
  }

  @Test
  void aFailingGatewayOpensTheBreakerAndPaymentsAreRefusedAtOnceWithoutACall() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(serverError()));
    String token = LocalTokens.customer(Api.newCustomer());
    // Each payment is one call plus one retry (a 5xx cannot have charged); the breaker opens within VOLUME calls.
    int status = 0;
    for (int i = 0; i < ShortGatewayTimeouts.VOLUME && status != 503; i++) {
      status = pay(token, order(token), UUID.randomUUID().toString()).extract().statusCode();
      assertThat(status).isIn(202, 503);
    }
    assertThat(status).isEqualTo(503);
    int calls = settledChargeCount();

    String orderId = order(token);
    String key = UUID.randomUUID().toString();
    pay(token, orderId, key).statusCode(503).header("Retry-After", notNullValue())
        .contentType(startsWith("application/problem+json")).body("type", endsWith("/payment-gateway-unavailable"));
    assertThat(gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).hasSize(calls);
    assertThat(orderStatus(token, orderId)).isEqualTo("PENDING_PAYMENT");
    assertThat(events(orderId)).as("an attempt that never reached the gateway tells consumers nothing")
        .isEqualTo("1 shop.order.placed PENDING_PAYMENT");
    // PaymentGatewayBreakerOpen pages on the rate of this counter (time spent open): it must grow while open
    double openBefore = openTimeOfChargeBreaker();
    Thread.sleep(300);
    assertThat(openTimeOfChargeBreaker()).isGreaterThan(openBefore);

    Thread.sleep(ShortGatewayTimeouts.BREAKER_DELAY_MS + 200);
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    pay(token, orderId, key).statusCode(201).body("status", is("CAPTURED"));
  }

  /**
   * The charge requests WireMock has journaled, once the count stops moving: it journals a request after answering
   * it, so on busy cores the last call of the loop could still be missing when the payment's 503 arrived.
   */
  private static int settledChargeCount() throws InterruptedException {
    int seen = gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/payments"))).size();
    for (int i = 0; i < 20; i++) {
      Thread.sleep(100);
      int now = gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/payments"))).size();
      if (now == seen) {
        return now;
      }
      seen = now;
    }
    return seen;
  }

  private static double openTimeOfChargeBreaker() {
    return Metrics.sum("ft_circuitbreaker_state_total_seconds", "state=\"open\"", "PaymentGatewayClient.authorize");
  }

  @Test
  void outcomesBreakerAndBacklogAreMetrics() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    String token = LocalTokens.customer(Api.newCustomer());
    pay(token, order(token), UUID.randomUUID().toString()).statusCode(201);
    reconciliation.settleDue(Instant.now());

    Metrics.management().get("/q/metrics").then().statusCode(200)
        .body(org.hamcrest.Matchers.containsString("payments_outcome_total{app=\"order-service\",outcome=\"captured\"}"),
            org.hamcrest.Matchers.containsString("payments_reconciliation_backlog"),
            org.hamcrest.Matchers.containsString("ft_circuitbreaker_state_total_seconds{"),
            org.hamcrest.Matchers.containsString("ft_timeout_executionDuration_seconds"),
            org.hamcrest.Matchers.containsString("ft_bulkhead_calls_total"),
            org.hamcrest.Matchers.containsString("PaymentGatewayClient.authorize"));
  }

  @Test
  void anotherCustomersOrderCannotBePaidOrSeen() {
    String owner = LocalTokens.customer(Api.newCustomer());
    String stranger = LocalTokens.customer(Api.newCustomer());
    String orderId = order(owner);

    pay(stranger, orderId, UUID.randomUUID().toString()).statusCode(404);
    given().auth().oauth2(stranger).get("/api/orders/{id}/payment", orderId).then().statusCode(404);
    pay(owner, orderId, null).statusCode(400);
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }

  @Test
  void aMethodTokenOutsideVisibleAsciiIs400AndNeverReachesTheGateway() {
    String token = LocalTokens.customer(Api.newCustomer());
    String orderId = order(token);
    for (String method : List.of("tok_visa\n", "tok visa", "tok_\u00e9", "tok\u0000")) {
      given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
          .contentType(ContentType.JSON).body(Map.of("methodToken", method))
          .when().post("/api/orders/{id}/payment", orderId)
          .then().statusCode(400).body("errors.field", contains("methodToken"));
    }
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/payments")));
    assertThat(orderStatus(token, orderId)).isEqualTo("PENDING_PAYMENT");
  }
}
