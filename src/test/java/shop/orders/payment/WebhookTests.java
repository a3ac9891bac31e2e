package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;

@QuarkusTest
@TestProfile(ShortGatewayTimeouts.class)
@WithTestResource(PaymentGatewayWireMock.class)
class WebhookTests {
  private static final String SECRET = "local-webhook-secret";
  private static final String PREFIX = Api.prefix(WebhookTests.class);

  @AfterEach
  void reset() {
    gateway().resetAll();
  }

  private static ValidatableResponse deliver(String body, String signature) {
    var request = given().contentType(ContentType.JSON).body(body);
    if (signature != null) {
      request.header("PG-Signature", signature);
    }
    return request.when().post("/api/payments/webhook").then();
  }

  private static String signed(String body, long at) {
    return "t=" + at + ",v1=" + WebhookSignature.sign(SECRET, at, body);
  }

  private static String event(String type, String paymentId) {
    return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"payment_id\":\"" + paymentId
        + "\",\"gateway_ref\":\"pg-hook\"}";
  }

  /** An order with a payment whose outcome the gateway did not tell in time (202, UNKNOWN). */
  private static String[] unknownPayment() {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(
        okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}").withFixedDelay(ShortGatewayTimeouts.TIMEOUT_MS * 3)));
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = PREFIX + UUID.randomUUID().toString().substring(0, 8);
    Api.putProduct(sku, 10_000, 3);
    String orderId = Api.placedOrderId(token, Api.lines(sku, 1));
    String paymentId = given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body("{\"methodToken\":\"tok\"}")
        .post("/api/orders/{id}/payment", orderId).then().statusCode(202).extract().path("id");
    return new String[] {token, orderId, paymentId};
  }

  private static String orderStatus(String token, String orderId) {
    return given().auth().oauth2(token).get("/api/orders/{id}", orderId).then().extract().path("status");
  }

  @Test
  void aSignedWebhookSettlesThePaymentOnceAndAReplayChangesNothing() {
    String[] p = unknownPayment();
    String body = event("payment.succeeded", p[2]);

    deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(200).body("applied", is(true));
    deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(200).body("applied", is(false));
    String failed = event("payment.failed", p[2]);
    deliver(failed, signed(failed, Instant.now().getEpochSecond())).statusCode(200).body("applied", is(false));

    assertThat(orderStatus(p[0], p[1])).isEqualTo("PAID");
    given().auth().oauth2(p[0]).get("/api/orders/{id}/payment", p[1]).then().body("status", is("CAPTURED"));
  }

  @Test
  void badMissingOrStaleSignaturesAre401AndChangeNothing() {
    String[] p = unknownPayment();
    String body = event("payment.succeeded", p[2]);
    long now = Instant.now().getEpochSecond();

    deliver(body, null).statusCode(401).body("type", endsWith("/bad-signature"));
    deliver(body, "t=" + now + ",v1=" + WebhookSignature.sign("wrong-secret", now, body)).statusCode(401);
    deliver(body.replace("pg-hook", "pg-evil"), signed(body, now)).statusCode(401);
    deliver(body, signed(body, now - 301)).statusCode(401);

    given().auth().oauth2(p[0]).get("/api/orders/{id}/payment", p[1]).then().body("status", is("UNKNOWN"));
    assertThat(orderStatus(p[0], p[1])).isEqualTo("PENDING_PAYMENT");
  }

  @Test
  void anEventWhoseMembersAreNotTheContractsIs400AndChangesNothing() {
    String[] p = unknownPayment();
    for (String ref : new String[] {"r".repeat(129), "a b", "\u00e9t\u00e9", ""}) {
      String body = "{\"type\":\"payment.succeeded\",\"payment_id\":\"" + p[2] + "\",\"gateway_ref\":\"" + ref + "\"}";
      deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(400)
          .body("errors[0].field", is("gateway_ref"));
    }
    String upper = "{\"type\":\"PAYMENT.SUCCEEDED\",\"payment_id\":\"" + p[2] + "\"}";
    deliver(upper, signed(upper, Instant.now().getEpochSecond())).statusCode(400).body("errors[0].field", is("type"));
    assertThat(orderStatus(p[0], p[1])).isEqualTo("PENDING_PAYMENT");
    given().auth().oauth2(p[0]).get("/api/orders/{id}/payment", p[1]).then().statusCode(200)
        .body("status", is("UNKNOWN"));
  }

  @Test
  void aSignedBodyThatIsNoEventIs400() {
    for (String body : new String[] {"null", "[]", "42", "\"event\"", "{}"}) {
      deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(400)
          .body("type", endsWith("/invalid-request"));
    }
  }

  @Test
  void aWebhookForAPaymentThatIsNotOursIs404() {
    String body = event("payment.succeeded", UUID.randomUUID().toString());
    deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(404);
  }

  @Test
  void aWebhookRacingTheSynchronousAnswerGivesOneTransition() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}").withFixedDelay(200)));
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = PREFIX + "RACE";
    Api.putProduct(sku, 10_000, 3);
    String orderId = Api.placedOrderId(token, Api.lines(sku, 1));

    var paying = CompletableFuture.supplyAsync(() -> Api.post("/api/orders/" + orderId + "/payment", token,
        UUID.randomUUID().toString(), "{\"methodToken\":\"tok\"}"));
    String paymentId = awaitPaymentId(token, orderId);
    String body = event("payment.succeeded", paymentId);
    deliver(body, signed(body, Instant.now().getEpochSecond())).statusCode(200);

    assertThat(paying.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
    assertThat(orderStatus(token, orderId)).isEqualTo("PAID");
    given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().body("status", is("CAPTURED"));
  }

  private static String awaitPaymentId(String token, String orderId) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      var response = given().auth().oauth2(token).get("/api/orders/{id}/payment", orderId).then().extract();
      if (response.statusCode() == 200) {
        return response.path("id");
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the payment was never recorded");
  }
}
