package shop.orders.payment;

import java.time.Instant;

import static io.restassured.RestAssured.given;

/** Gateway webhooks as the gateway sends them, signed with the service's own signer, for tests of any package. */
public final class Webhooks {
  /** The secret of the test profile (payment.webhook.secret). */
  public static final String TEST_SECRET = "local-webhook-secret";

  private Webhooks() {
  }

  /** The {@code PG-Signature} header for {@code body} signed at {@code at} with {@code secret}. */
  public static String signature(String secret, long at, String body) {
    return "t=" + at + ",v1=" + WebhookSignature.sign(secret, at, body);
  }

  /** Delivers a webhook signed now with the test secret; the status the service answered. */
  public static int deliverNow(String body) {
    return given().contentType("application/json")
        .header("PG-Signature", signature(TEST_SECRET, Instant.now().getEpochSecond(), body)).body(body)
        .post("/api/payments/webhook").statusCode();
  }
}
