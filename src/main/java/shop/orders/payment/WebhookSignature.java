package shop.orders.payment;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway's webhook signature: header {@code PG-Signature: t=<unix seconds>,v1=<hex>} where v1 is
 * HMAC-SHA256 with the shared secret over {@code <t>.<raw body>}.
 */
final class WebhookSignature {
  static final String HEADER = "PG-Signature";

  private WebhookSignature() {
  }

  static String sign(String secret, long unixSeconds, String body) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * True when the header carries a fresh timestamp and a signature of this exact body by one of the secrets (the
   * current one, and during a rotation the previous one).
   */
  static boolean verify(String header, String body, List<String> secrets, Duration tolerance, Instant now) {
    if (header == null || body == null) {
      return false;
    }
    Long t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2 && kv[0].equals("t")) {
        try {
          t = Long.parseLong(kv[1]);
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (kv.length == 2 && kv[0].equals("v1")) {
        v1 = kv[1];
      }
    }
    if (t == null || v1 == null || !fresh(t, now, tolerance)) {
      return false;
    }
    byte[] given = v1.getBytes(StandardCharsets.US_ASCII);
    boolean matches = false;
    for (String secret : secrets) {
      // every secret is checked, so the time taken does not tell which one matched
      matches |= MessageDigest.isEqual(sign(secret, t, body).getBytes(StandardCharsets.US_ASCII), given);
    }
    return matches;
  }

  /** Within the tolerance either way; compared without subtracting, so no timestamp can overflow into "fresh". */
  static boolean fresh(long t, Instant now, Duration tolerance) {
    long nowSeconds = now.getEpochSecond();
    return t >= nowSeconds - tolerance.toSeconds() && t <= nowSeconds + tolerance.toSeconds();
  }
}
