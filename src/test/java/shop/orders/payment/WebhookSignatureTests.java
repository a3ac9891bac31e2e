package shop.orders.payment;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook signature alone: freshness either way without overflow, and two secrets during a rotation. */
class WebhookSignatureTests {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"payment.succeeded\"}";

  private static String header(String secret, long t) {
    return "t=" + t + ",v1=" + WebhookSignature.sign(secret, t, BODY);
  }

  private static boolean verify(String header, List<String> secrets) {
    return WebhookSignature.verify(header, BODY, secrets, TOLERANCE, NOW);
  }

  @Test
  void aFreshSignatureOfTheBodyIsAcceptedAndAnyOtherBodyOrSecretIsNot() {
    long now = NOW.getEpochSecond();
    assertThat(verify(header("current", now), List.of("current"))).isTrue();
    assertThat(verify(header("other", now), List.of("current"))).isFalse();
    assertThat(WebhookSignature.verify(header("current", now), BODY + " ", List.of("current"), TOLERANCE, NOW))
        .isFalse();
    assertThat(verify(null, List.of("current"))).isFalse();
    assertThat(verify("t=abc,v1=00", List.of("current"))).isFalse();
  }

  @Test
  void timestampsOutsideTheToleranceEitherWayAreRefusedEvenWhereSubtractionWouldOverflow() {
    long now = NOW.getEpochSecond();
    long tolerance = TOLERANCE.toSeconds();
    assertThat(verify(header("s", now - tolerance), List.of("s"))).isTrue();
    assertThat(verify(header("s", now + tolerance), List.of("s"))).isTrue();
    assertThat(verify(header("s", now - tolerance - 1), List.of("s"))).isFalse();
    assertThat(verify(header("s", now + tolerance + 1), List.of("s"))).isFalse();
    // now - 2^63 in long arithmetic: Math.abs(now - t) overflows to a negative number and looked fresh
    assertThat(verify(header("s", now + Long.MIN_VALUE), List.of("s"))).isFalse();
    assertThat(verify(header("s", Long.MIN_VALUE), List.of("s"))).isFalse();
    assertThat(verify(header("s", Long.MAX_VALUE), List.of("s"))).isFalse();
  }

  @Test
  void duringARotationTheCurrentAndThePreviousSecretAreBothAccepted() {
    long now = NOW.getEpochSecond();
    var rotating = List.of("new-secret", "old-secret");
    assertThat(verify(header("new-secret", now), rotating)).isTrue();
    assertThat(verify(header("old-secret", now), rotating)).isTrue();
    assertThat(verify(header("someone-else", now), rotating)).isFalse();
    assertThat(verify(header("old-secret", now), List.of("new-secret"))).as("after the rotation").isFalse();
  }
}
