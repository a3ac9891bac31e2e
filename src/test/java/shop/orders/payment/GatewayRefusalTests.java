package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
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
import static shop.orders.payment.PaymentScenarios.order;
import static shop.orders.payment.PaymentScenarios.orderStatus;
import static shop.orders.payment.PaymentScenarios.pay;
import static shop.orders.payment.PaymentScenarios.paymentRow;

/**
 * A gateway 4xx is not a decline. 409 (a request with this key is still being processed): the outcome is unknown and
 * reconciliation asks. 400/422 (invalid request): nothing charged, 422 to the client, the order payable with another
 * method. 429 and any other 4xx: nothing charged, 503 + Retry-After, the same key may be retried. None is recorded
 * DECLINED.
 */
@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class GatewayRefusalTests extends WithPaymentGateway {
  @Inject
  ReconciliationJob reconciliation;

  private static void gatewayAnswers(int status) {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
            .withHeader("Retry-After", "7").withBody("{\"error\":\"refused\"}")));
  }

  @Test
  void a409IsAnUnknownOutcomeThatReconciliationSettles() throws Exception {
    var order = order(GatewayRefusalTests.class);
    gatewayAnswers(409);

    String paymentId = pay(order, UUID.randomUUID().toString()).statusCode(202).body("status", is("UNKNOWN"))
        .extract().path("id");
    assertThat(paymentRow(paymentId)).isEqualTo("UNKNOWN/-");

    gateway().stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(okJson(APPROVED)));
    reconciliation.settleDue(Instant.now().plus(Duration.ofMinutes(1)));
    assertThat(paymentRow(paymentId)).isEqualTo("CAPTURED/LOOKUP");
    assertThat(orderStatus(order)).isEqualTo("PAID");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 422})
  void anInvalidRequestChargesNothingAndIs422WithTheField(int status) throws Exception {
    var order = order(GatewayRefusalTests.class);
    gatewayAnswers(status);
    String key = UUID.randomUUID().toString();

    String paymentId = pay(order, key).statusCode(422).body("type", endsWith("/payment-not-accepted"),
        "errors[0].field", is("methodToken")).extract().path("paymentId");
    pay(order, key).statusCode(422).header("Idempotent-Replayed", "true");

    assertThat(paymentRow(paymentId)).isEqualTo("FAILED/ANSWER");
    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    pay(order, UUID.randomUUID().toString()).statusCode(201);
    assertThat(orderStatus(order)).isEqualTo("PAID");
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 401, 403})
  void aRefusalToProcessIs503WithRetryAfterAndTheSameKeyWorksLater(int status) throws Exception {
    var order = order(GatewayRefusalTests.class);
    gatewayAnswers(status);
    String key = UUID.randomUUID().toString();

    pay(order, key).statusCode(503).body("type", endsWith("/payment-gateway-unavailable"))
        .header("Retry-After", "7");   // the gateway's own
    assertThat(orderStatus(order)).isEqualTo("PENDING_PAYMENT");
    gateway().verify(1, postRequestedFor(urlPathEqualTo("/v1/payments")));
    assertThat(shop.orders.testing.TestDatabase.text(
        "select string_agg(status || '/' || settled_by, ',') from payment where order_id = ?::uuid", order.orderId()))
        .isEqualTo("FAILED/NOT_SENT");

    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    pay(order, key).statusCode(201).body("status", is("CAPTURED"));
    assertThat(orderStatus(order)).isEqualTo("PAID");
  }
}
