package shop.orders.payment;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

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

  /** True when the header carries a fresh timestamp and a matching signature of this exact body. */
  static boolean verify(String header, String body, String secret, Duration tolerance, Instant now) {
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
    if (t == null || v1 == null || Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return false;
    }
    return MessageDigest.isEqual(sign(secret, t, body).getBytes(StandardCharsets.US_ASCII),
        v1.getBytes(StandardCharsets.US_ASCII));
  }
}
