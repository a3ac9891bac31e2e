package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.order.OrderExpiryJob;
import shop.orders.testing.Api;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import static shop.orders.payment.PaymentScenarios.APPROVED;
import static shop.orders.payment.PaymentScenarios.capturedPayments;
import static shop.orders.payment.PaymentScenarios.metric;
import static shop.orders.payment.PaymentScenarios.order;
import static shop.orders.payment.PaymentScenarios.orderStatus;
import static shop.orders.payment.PaymentScenarios.pay;
import static shop.orders.payment.PaymentScenarios.paymentRow;
import static shop.orders.payment.PaymentScenarios.unknownPayment;
import static shop.orders.payment.PaymentScenarios.webhook;

/**
 * A gateway that records a charge after the service's first lookups: a 404 is "not yet" until the attempt's window
 * has passed, and an approved charge is accounted for once, whenever and however it is learnt (answer, webhook,
 * lookup, the sweep of the gateway's charge list): it pays its order if the order can still take it, else it is
 * refunded automatically. Every charge WireMock takes is explained by one paid order or one refund.
 */
@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class LateChargeTests extends WithPaymentGateway {
  private static final String REFUNDED = "{\"status\":\"REFUNDED\",\"gateway_ref\":\"rf-1\"}";

  @Inject
  ReconciliationJob reconciliation;
  @Inject
  ChargeSweep sweep;
  @Inject
  OrderExpiryJob expiry;
  @Inject
  PaymentConfig config;

  private Instant pastTheWindow() {
    return Instant.now().plus(config.reconciliation().notFoundFinalAfter()).plusSeconds(60);
  }

  /**
   * The gateway has not recorded the payment yet (a lookup finds nothing, the charge sent again is still in progress:
   * 409), and the window passes: FAILED, the order payable again.
   */
  private void failedAfterTheWindow(String paymentId) throws Exception {
    gateway().stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));
    stillInProgress();
    reconciliation.settleDue(pastTheWindow());
    assertThat(paymentRow(paymentId)).isEqualTo("FAILED/LOOKUP");
  }

  /** A charge sent again is answered as real gateways answer a key whose first request they still process. */
  private static void stillInProgress() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(
        com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(409)
            .withHeader("Content-Type", "application/json").withBody("{\"error\":\"idempotency_key_in_use\"}")));
  }

  @Test
  void aNotFoundBeforeTheWindowLeavesThePaymentOpenAndALaterApprovalPaysTheOrderOnce() throws Exception {
    var order = order(LateChargeTests.class);
    String paymentId = unknownPayment(order);
    gateway().stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));
    stillInProgress();

    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(1)));

    assertThat(paymentRow(paymentId)).isEqualTo("UNKNOWN/-");
    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
    pay(order, UUID.randomUUID().toString()).statusCode(409).body("type", endsWith("/payment-in-progress"));
    given().auth().oauth2(order.token()).post("/api/orders/{id}/cancel", order.orderId()).then().statusCode(409)
        .body("type", endsWith("/payment-in-progress"));
    expiry.expireDue(Instant.now().plus(Duration.ofHours(1)));
    assertThat(orderStatus(order)).as("an order whose payment may still be charged never expires")
        .isEqualTo("PENDING_PAYMENT");

    gateway().stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(okJson(APPROVED)));
    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(2)));
    webhook("payment.succeeded", paymentId).statusCode(200).body("applied", is(false));

    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/LOOKUP");
    assertThat(orderStatus(order)).isEqualTo("PAID");
    assertThat(capturedPayments(order)).isEqualTo(1);
    // the first request, and the same request sent again under its key once the lookup found nothing (answered
    // "in progress"); the approval found by the next lookup is the one charge
    gateway().verify(2, postRequestedFor(urlPathEqualTo("/v1/payments")));
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  @Test
  void aChargeLandingAfterTheCustomerPaidAgainIsRefundedAutomaticallyOnce() throws Exception {
    var order = order(LateChargeTests.class);
    String firstKey = UUID.randomUUID().toString();
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(APPROVED).withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    String first = pay(order, firstKey).statusCode(202).extract().path("id");
    failedAfterTheWindow(first);
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    String second = pay(order, UUID.randomUUID().toString()).statusCode(201).extract().path("id");
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(REFUNDED)));
    double reversedBefore = metric("payments_late_charges_total", "action=\"reversed\"", "source=\"webhook\"");

    webhook("payment.succeeded", first).statusCode(200).body("applied", is(true));

    assertThat(paymentRow(first)).isEqualTo("REVERSED/WEBHOOK");
    assertThat(paymentRow(second)).isEqualTo("CAPTURED/ANSWER");
    assertThat(orderStatus(order)).isEqualTo("PAID");
    assertThat(capturedPayments(order)).isEqualTo(1);
    String refundId = Refund.idFor(UUID.fromString(first)).toString();
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds"))
        .withHeader("Idempotency-Key", equalTo(refundId))
        .withRequestBody(matchingJsonPath("$.payment_id", equalTo(first))));
    assertThat(TestDatabase.text("select reason || '/' || status from refund where id = ?::uuid", refundId))
        .isEqualTo("LATE_CHARGE/REFUNDED");
    assertThat(metric("payments_late_charges_total", "action=\"reversed\"", "source=\"webhook\""))
        .isEqualTo(reversedBefore + 1);
    pay(order, firstKey).statusCode(409).header("Idempotent-Replayed", "true")
        .body("type", endsWith("/payment-reversed"), "paymentId", is(first));
    assertThat(TestDatabase.text("select string_agg(seq || ' ' || type, ', ' order by seq) from order_event"
        + " where order_id = ?::uuid", order.orderId())).as("the order's events").isEqualTo("1 shop.order.placed,"
        + " 2 shop.order.payment-unknown, 3 shop.order.payment-failed, 4 shop.order.paid,"
        + " 5 shop.order.late-charge-reversed");

    // the same charge learnt again, by webhook and by the sweep, changes nothing and sends no second refund
    webhook("payment.succeeded", first).statusCode(200).body("applied", is(false));
    gateway().stubFor(get(urlPathEqualTo("/v1/payments")).willReturn(okJson(charges(first, order.orderId()))));
    assertThat(sweep.sweep(Instant.now()).settled()).isZero();
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds")));
    // the first attempt, the same sent again once (answered "in progress") before its window passed, the second
    gateway().verify(3, postRequestedFor(urlPathEqualTo("/v1/payments")));
    gateway().verify(2, postRequestedFor(urlPathEqualTo("/v1/payments"))
        .withHeader("Idempotency-Key", equalTo(first)));
  }

  @Test
  void aChargeOnlyTheGatewaysListKnowsIsFoundByTheSweepAndPaysItsOrder() throws Exception {
    var order = order(LateChargeTests.class);
    String paymentId = unknownPayment(order);
    failedAfterTheWindow(paymentId);
    String foreign = UUID.randomUUID().toString();
    gateway().stubFor(get(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(charges(paymentId, order.orderId(), foreign, UUID.randomUUID().toString()))));

    var run = sweep.sweep(Instant.now());

    assertThat(run.settled()).isEqualTo(1);
    assertThat(run.unknown()).as("a charge that is not this service's is reported, not touched").isEqualTo(1);
    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/SWEEP");
    assertThat(orderStatus(order)).isEqualTo("PAID");
    assertThat(sweep.sweep(Instant.now()).settled()).isZero();
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")));
    gateway().verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlPathEqualTo("/v1/payments")).withQueryParam("created_after",
        com.github.tomakehurst.wiremock.client.WireMock.matching("\\d{4}-.+Z")));
  }

  @Test
  void aChargeTheSweepFindsForAnExpiredOrderIsRefunded() throws Exception {
    var order = order(LateChargeTests.class);
    String paymentId = unknownPayment(order);
    failedAfterTheWindow(paymentId);
    expiry.expireDue(Instant.now().plus(Duration.ofHours(1)));
    assertThat(orderStatus(order)).isEqualTo("EXPIRED");
    assertThat(Api.available(order.sku())).isEqualTo(5);
    gateway().stubFor(get(urlPathEqualTo("/v1/payments")).willReturn(okJson(charges(paymentId, order.orderId()))));
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(REFUNDED)));

    assertThat(sweep.sweep(Instant.now()).settled()).isEqualTo(1);

    assertThat(paymentRow(paymentId)).isEqualTo("REVERSED/SWEEP");
    assertThat(orderStatus(order)).isEqualTo("EXPIRED");
    given().auth().oauth2(order.token()).get("/api/orders/{id}/payment", order.orderId()).then().statusCode(200)
        .body("status", is("REVERSED"), "refund.status", is("REFUNDED"), "refund.reason", is("LATE_CHARGE"),
            "refund.refundedAt", org.hamcrest.Matchers.notNullValue());
    assertThat(Api.available(order.sku())).as("an expired order's stock is not taken back").isEqualTo(5);
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  @Test
  void aReversalTheGatewayCannotTakeNowIsSentByReconciliationLater() throws Exception {
    var order = order(LateChargeTests.class);
    String paymentId = unknownPayment(order);
    failedAfterTheWindow(paymentId);
    given().auth().oauth2(order.token()).post("/api/orders/{id}/cancel", order.orderId()).then().statusCode(200)
        .body("status", is("CANCELLED"));
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(
        com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(429).withHeader("Retry-After", "3")));

    webhook("payment.succeeded", paymentId).statusCode(200).body("applied", is(true));
    assertThat(paymentRow(paymentId)).isEqualTo("REVERSING/WEBHOOK");
    reconciliation.settleDue(Instant.now());
    assertThat(metric("payments_reversals_open")).isGreaterThanOrEqualTo(1);

    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(REFUNDED)));
    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(5)));

    assertThat(paymentRow(paymentId)).isEqualTo("REVERSED/WEBHOOK");
    assertThat(orderStatus(order)).isEqualTo("CANCELLED");
    String refundId = Refund.idFor(UUID.fromString(paymentId)).toString();
    assertThat(gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/refunds"))))
        .as("every attempt carries the one refund id of the payment")
        .allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo(refundId))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void aWebhookWaitingForAPaymentSettledMeanwhileSeesTheSettlementAndRefundsNothing() throws Exception {
    var order = order(LateChargeTests.class);
    String paymentId = unknownPayment(order);
    gateway().stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(REFUNDED)));
    try (var sweepLike = TestDatabase.connect()) {
      // another replica settles the payment (as the sweep would) while the webhook waits for the row
      sweepLike.setAutoCommit(false);
      try (var st = sweepLike.prepareStatement("select id from payment where id = ?::uuid for update")) {
        st.setString(1, paymentId);
        st.executeQuery();
      }
      var hook = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> webhook("payment.succeeded", paymentId).extract());
      TestDatabase.awaitLockWaiters(1);
      try (var st = sweepLike.createStatement()) {
        st.executeUpdate("update payment set status = 'CAPTURED', settled_by = 'SWEEP', next_check_at = null "
            + "where id = '" + paymentId + "'");
        st.executeUpdate("update customer_order set status = 'PAID', payment_in_progress = false "
            + "where id = '" + order.orderId() + "'");
      }
      sweepLike.commit();
      var answer = hook.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.<Boolean>path("applied")).isFalse();
    }
    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/SWEEP");
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  @Test
  void anOrderPastItsPaymentWindowCannotStartAPaymentEvenBeforeItIsExpired() throws Exception {
    var order = order(LateChargeTests.class);
    try (var c = TestDatabase.connect(); var st = c.prepareStatement(
        "update customer_order set expires_at = now() - interval '1 second' where id = ?::uuid")) {
      st.setString(1, order.orderId());
      assertThat(st.executeUpdate()).isEqualTo(1);
    }

    pay(order, UUID.randomUUID().toString()).statusCode(409).body("type", endsWith("/payment-window-closed"));

    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
    assertThat(TestDatabase.count("select count(*) from payment where order_id = ?::uuid", order.orderId())).isZero();
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }

  /** The gateway's list call answering these approved charges: payment id, order id pairs. */
  private static String charges(String... paymentAndOrderIds) {
    var data = new StringBuilder();
    for (int i = 0; i < paymentAndOrderIds.length; i += 2) {
      data.append(data.isEmpty() ? "" : ",").append("{\"payment_id\":\"").append(paymentAndOrderIds[i])
          .append("\",\"order_id\":\"").append(paymentAndOrderIds[i + 1])
          .append("\",\"status\":\"APPROVED\",\"gateway_ref\":\"pg-late\",\"amount\":50000,\"currency\":\"KRW\",")
          .append("\"created_at\":\"").append(Instant.now()).append("\"}");
    }
    return "{\"data\":[" + data + "],\"has_more\":false}";
  }
}
