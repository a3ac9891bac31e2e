package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import org.junit.jupiter.api.Test;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;
import static shop.orders.payment.PaymentScenarios.APPROVED;
import static shop.orders.payment.PaymentScenarios.capturedPayments;
import static shop.orders.payment.PaymentScenarios.order;
import static shop.orders.payment.PaymentScenarios.orderStatus;
import static shop.orders.payment.PaymentScenarios.pay;
import static shop.orders.payment.PaymentScenarios.paymentRow;

/**
 * A payment whose outcome is unknown because the service may never have sent it is sent again under its own
 * idempotency key (its id), as payment providers ask: the gateway answers the charge it made, or makes it now, once,
 * or 409 while a request with that key is still being processed. Each interleaving of a crash with the gateway:
 * the attempt recorded and never sent (the crash came before the call), the gateway has it (after the call), the
 * gateway still processing it (a late-recording gateway), two replicas' reconciliations at once, sendings spent, and
 * a payment a release before this one started (no method token kept). A crash is staged by starting the attempt
 * (transaction 1) without calling the gateway, which is what a process killed before or during the call leaves.
 */
@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class PaymentResendTests extends WithPaymentGateway {
  @Inject
  PaymentLedger ledger;
  @Inject
  ReconciliationJob reconciliation;
  @Inject
  PaymentConfig config;

  /** Transaction 1 of a payment and nothing after it: what a process killed before or during the call leaves. */
  private String crashedPayment(PaymentScenarios.Placed order, String key) {
    return ledger.start(subject(order), key, UUID.fromString(order.orderId()),
        new PaymentRequest("tok_visa")).payment().id.toString();
  }

  private static String subject(PaymentScenarios.Placed order) {
    try {
      return TestDatabase.text("select customer_id from customer_order where id = ?::uuid", order.orderId());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A reconciliation run once the attempt is due for its first check. */
  private int reconcileAfter(Duration after) {
    return reconciliation.settleDue(Instant.now().plus(config.reconciliation().firstCheckAfter()).plus(after));
  }

  private static void gatewayHasNothing() {
    gateway().stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));
  }

  private static void stillInProgress() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"idempotency_key_in_use\"}")));
  }

  @Test
  void anAttemptNeverSentIsSentAgainUnderItsKeyAndPaysTheOrderOnce() throws Exception {
    var order = order(PaymentResendTests.class);
    String key = UUID.randomUUID().toString();
    String paymentId = crashedPayment(order, key);
    gatewayHasNothing();
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));

    assertThat(reconcileAfter(Duration.ZERO)).isEqualTo(1);

    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/ANSWER");
    assertThat(orderStatus(order)).isEqualTo("PAID");
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments"))
        .withHeader("Idempotency-Key", equalTo(paymentId))
        .withRequestBody(matchingJsonPath("$.method_token", equalTo("tok_visa")))
        .withRequestBody(matchingJsonPath("$.order_id", equalTo(order.orderId()))));
    // the buyer's retry with the key of the interrupted request gets the payment's answer
    pay(order, key).statusCode(201).header("Idempotent-Replayed", "true").body("id", is(paymentId));
  }

  @Test
  void anAttemptTheGatewayHasIsSettledByTheLookupAndNotSentAgain() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    gateway().stubFor(get(urlPathEqualTo("/v1/payments/" + paymentId)).willReturn(okJson(APPROVED)));

    reconcileAfter(Duration.ZERO);

    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/LOOKUP");
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }

  @Test
  void aKeyStillBeingProcessedIsAskedAgainAfterAPauseAndChargesOnce() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    gatewayHasNothing();
    stillInProgress();

    reconcileAfter(Duration.ZERO);
    assertThat(paymentRow(paymentId)).as("open while the gateway processes the key").isEqualTo("AUTHORIZING/-");
    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
    pay(order, UUID.randomUUID().toString()).statusCode(409).body("type", endsWith("/payment-in-progress"));
    // checked again only after the pause (2 s after the first sending)
    assertThat(reconcileAfter(Duration.ofSeconds(1))).isZero();
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments")));

    // the late charge lands: the next check finds it
    gateway().stubFor(get(urlPathEqualTo("/v1/payments/" + paymentId)).willReturn(okJson(APPROVED)));
    reconcileAfter(Duration.ofSeconds(3));
    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/LOOKUP");
    assertThat(capturedPayments(order)).isEqualTo(1);
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }

  @Test
  void twoReplicasReconcilingAtOnceSendTheChargeOnce() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    gatewayHasNothing();
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED).withFixedDelay(200)));

    Instant at = Instant.now().plus(config.reconciliation().firstCheckAfter());
    Callable<Integer> replica = () -> {
      // as the scheduler runs the job: with a request context of its own
      var context = io.quarkus.arc.Arc.container().requestContext();
      context.activate();
      try {
        return reconciliation.settleDue(at);
      } finally {
        context.terminate();
      }
    };
    List<Callable<Integer>> replicas = List.of(replica, replica);
    var settled = shop.orders.testing.Api.concurrently(replicas);

    assertThat(settled.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/ANSWER");
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }

  @Test
  void whenTheSendingsAreSpentTheNotFoundWindowEndsThePayment() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    gatewayHasNothing();
    stillInProgress();
    int attempts = config.reconciliation().resend().attempts();

    // each check sends it again; the longest pause is 30 s, so a check a minute apart is always due
    for (int i = 0; i < attempts + 2; i++) {
      reconcileAfter(Duration.ofMinutes(i));
    }
    assertThat(TestDatabase.count("select resends from payment where id = ?::uuid", paymentId))
        .as("sent again as often as allowed, no more").isEqualTo(attempts);
    assertThat(paymentRow(paymentId)).isEqualTo("AUTHORIZING/-");

    reconciliation.settleDue(Instant.now().plus(config.reconciliation().notFoundFinalAfter()).plusSeconds(60));
    assertThat(paymentRow(paymentId)).isEqualTo("FAILED/LOOKUP");
    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
  }

  @Test
  void aChargeTheBreakerWouldRefuseIsNotSentAndDoesNotSpendASending() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    gatewayHasNothing();
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(aResponse().withStatus(503)));

    // every sending fails (a 5xx, tried twice): the charge breaker opens within a few
    for (int i = 0; i < ShortGatewayTimeouts.VOLUME
        && breakers.currentState(PaymentGatewayClient.BREAKER) != CircuitBreakerState.OPEN; i++) {
      reconcileAfter(Duration.ofMinutes(i));
    }
    assertThat(breakers.currentState(PaymentGatewayClient.BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
    long sendings = TestDatabase.count("select resends from payment where id = ?::uuid", paymentId);
    int calls = gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/payments"))).size();

    // later checks, still inside the not-found window: nothing sent while the breaker is open
    reconcileAfter(Duration.ofMinutes(5));
    reconcileAfter(Duration.ofMinutes(6));
    assertThat(TestDatabase.count("select resends from payment where id = ?::uuid", paymentId))
        .as("sendings while the breaker is open").isEqualTo(sendings);
    assertThat(gateway().findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).hasSize(calls);
    assertThat(sendings).isLessThan(config.reconciliation().resend().attempts());
    assertThat(paymentRow(paymentId)).isEqualTo("AUTHORIZING/-");
  }

  @Test
  void aPaymentWithoutItsMethodTokenWaitsForItsWindowAsBefore() throws Exception {
    var order = order(PaymentResendTests.class);
    String paymentId = crashedPayment(order, UUID.randomUUID().toString());
    // as a release before the token was kept writes it
    try (var c = TestDatabase.connect();
         var update = c.prepareStatement("update payment set method_token = null where id = ?::uuid")) {
      update.setString(1, paymentId);
      update.executeUpdate();
    }
    gatewayHasNothing();
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));

    reconcileAfter(Duration.ofMinutes(1));
    assertThat(paymentRow(paymentId)).isEqualTo("AUTHORIZING/-");
    gateway().verify(0, postRequestedFor(urlPathEqualTo("/v1/payments")));
    reconciliation.settleDue(Instant.now().plus(config.reconciliation().notFoundFinalAfter()).plusSeconds(60));
    assertThat(paymentRow(paymentId)).isEqualTo("FAILED/LOOKUP");
  }
}
