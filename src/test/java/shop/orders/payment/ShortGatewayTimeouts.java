package shop.orders.payment;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Gateway fault tolerance with short numbers, so the tests are fast; tests derive their waits from these. */
public class ShortGatewayTimeouts implements QuarkusTestProfile {
  public static final int TIMEOUT_MS = 400;
  public static final int BREAKER_DELAY_MS = 1000;
  public static final int VOLUME = 4;
  static final String KEY = "quarkus.fault-tolerance.\"shop.orders.payment.PaymentGatewayClient/authorize\".";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        KEY + "timeout.value", "" + TIMEOUT_MS,
        KEY + "circuit-breaker.delay", "" + BREAKER_DELAY_MS,
        KEY + "circuit-breaker.request-volume-threshold", "" + VOLUME,
        "quarkus.rest-client.payment-gateway.read-timeout", "" + (TIMEOUT_MS * 3));
  }
}
