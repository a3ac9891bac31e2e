package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;

/** Cancelling a paid order refunds it through the gateway, once, and gives the stock back. */
@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class RefundTests extends WithPaymentGateway {
  private static final String PREFIX = Api.prefix(RefundTests.class);

  @Inject
  ReconciliationJob reconciliation;
  @Inject
  PaymentConfig config;

  /** A paid order of 2 units of a fresh SKU with 5 in stock: returns token, order id, sku. */
  private static String[] paidOrder() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}")));
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = PREFIX + UUID.randomUUID().toString().substring(0, 8);
    Api.putProduct(sku, 10_000, 5);
    String orderId = Api.placedOrderId(token, Api.lines(sku, 2));
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON)
        .body("{\"methodToken\":\"tok\"}").post("/api/orders/{id}/payment", orderId).then().statusCode(201);
    assertThat(Api.available(sku)).isEqualTo(3);
    return new String[] {token, orderId, sku};
  }

  @Test
  void cancellingAPaidOrderRefundsItOnceAndReleasesTheStock() {
    String[] o = paidOrder();
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds"))
        .willReturn(okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}")));

    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(200)
        .body("status", is("REFUNDED"));
    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(200)
        .body("status", is("REFUNDED"));

    assertThat(Api.available(o[2])).isEqualTo(5);
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds")));
    // the payment read says the charge was paid back, how much and when
    given().auth().oauth2(o[0]).get("/api/orders/{id}/payment", o[1]).then().statusCode(200)
        .body("status", is("CAPTURED"), "refund.status", is("REFUNDED"), "refund.reason", is("CANCEL"),
            "refund.amount.amountMinor", is(20_000), "refund.refundedAt", org.hamcrest.Matchers.notNullValue(),
            "refund.requestedAt", org.hamcrest.Matchers.notNullValue());
  }

  @Test
  void thePaymentAndTheRefundWriteTheOrdersPaidAndRefundedEventsInSequence() throws Exception {
    String[] o = paidOrder();
    String events = "select string_agg(seq || ' ' || type || ' ' || (data->>'status'), ', ' order by seq)"
        + " from order_event where order_id = ?::uuid";
    assertThat(TestDatabase.text(events, o[1]))
        .isEqualTo("1 shop.order.placed PENDING_PAYMENT, 2 shop.order.paid PAID");
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds"))
        .willReturn(okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}")));
    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(200);
    assertThat(TestDatabase.text(events, o[1]))
        .isEqualTo("1 shop.order.placed PENDING_PAYMENT, 2 shop.order.paid PAID, 3 shop.order.refunded REFUNDED");
  }

  @Test
  void aRefundAnsweredLateAndASecondCancelMeanwhileMakeOneRefundCall() {
    String[] o = paidOrder();
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(
        okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}").withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));

    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(202)
        .body("status", is("PAID"));
    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(409)
        .body("type", endsWith("/refund-in-progress"));
    assertThat(Api.available(o[2])).isEqualTo(3);

    // the gateway has not recorded it yet: "not found" inside the window is "not yet", the order stays locked
    gateway().stubFor(get(urlPathMatching("/v1/refunds/.*")).willReturn(notFound()));
    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(1)));
    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(409)
        .body("type", endsWith("/refund-in-progress"));

    gateway().stubFor(get(urlPathMatching("/v1/refunds/.*"))
        .willReturn(okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}")));
    Instant later = Instant.now().plus(Duration.ofMinutes(2));
    assertThat(reconciliation.settleDue(later)).isGreaterThanOrEqualTo(1);
    reconciliation.settleDue(later.plus(Duration.ofMinutes(5)));

    given().auth().oauth2(o[0]).get("/api/orders/{id}", o[1]).then().body("status", is("REFUNDED"));
    assertThat(Api.available(o[2])).as("released once").isEqualTo(5);
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  @Test
  void aRefundTheGatewayNeverReceivedIsSentAgainWithTheSameRefundId() {
    String[] o = paidOrder();
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(
        okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}").withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(202);
    gateway().stubFor(get(urlPathMatching("/v1/refunds/.*")).willReturn(notFound()));
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds"))
        .willReturn(okJson("{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf\"}")));

    Instant pastTheWindow = Instant.now().plus(config.reconciliation().notFoundFinalAfter()).plusSeconds(60);
    reconciliation.settleDue(pastTheWindow);
    reconciliation.settleDue(pastTheWindow.plus(Duration.ofMinutes(1)));

    given().auth().oauth2(o[0]).get("/api/orders/{id}", o[1]).then().body("status", is("REFUNDED"));
    assertThat(Api.available(o[2])).isEqualTo(5);
    var sent = gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/refunds")));
    assertThat(sent).hasSize(2);
    assertThat(sent).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(sent.get(0).getHeader("Idempotency-Key"));
  }

  @Test
  void aRejectedRefundLeavesTheOrderPaid() {
    String[] o = paidOrder();
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds"))
        .willReturn(okJson("{\"status\":\"REJECTED\",\"gateway_ref\":\"rf\"}")));

    given().auth().oauth2(o[0]).post("/api/orders/{id}/cancel", o[1]).then().statusCode(409);
    given().auth().oauth2(o[0]).get("/api/orders/{id}", o[1]).then().body("status", is("PAID"));
    assertThat(Api.available(o[2])).isEqualTo(3);
  }
}
