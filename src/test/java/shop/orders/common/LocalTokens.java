package shop.orders.common;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.UUID;

/**
 * RS256 bearer tokens signed with the local-only demo key, for the tests and for {@code bin/token}, which runs this
 * file as a program: {@code LocalTokens <customer-id> [--admin] [--ttl seconds]}.
 */
public final class LocalTokens {
  public static final String ISSUER = "https://orders.local/issuer";
  private static final Path KEY = Path.of("local-only-keys/jwt-private-key.pem");

  private LocalTokens() {
  }

  public static String customer(String customerId) {
    return sign(customerId, false, 3600, KEY, ISSUER);
  }

  public static String admin(String operatorId) {
    return sign(operatorId, true, 3600, KEY, ISSUER);
  }

  /** Signed by the right key, but {@code exp} lies in the past. */
  public static String expired(String customerId) {
    return sign(customerId, false, -600, KEY, ISSUER);
  }

  /** Well formed, but from another issuer. */
  public static String fromIssuer(String customerId, String issuer) {
    return sign(customerId, false, 3600, KEY, issuer);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args[0].startsWith("-")) {
      System.err.println("usage: bin/token <customer-id> [--admin] [--ttl seconds]");
      System.exit(2);
    }
    String subject = args[0];
    boolean admin = false;
    long ttl = 8 * 3600;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--admin" -> admin = true;
        case "--ttl" -> ttl = Long.parseLong(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    String keyFile = System.getenv().getOrDefault("JWT_PRIVATE_KEY", KEY.toString());
    String issuer = System.getenv().getOrDefault("JWT_ISSUER", ISSUER);
    System.out.println(sign(subject, admin, ttl, Path.of(keyFile), issuer));
  }

  static String sign(String subject, boolean admin, long ttl, Path keyFile, String issuer) {
    try {
      String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
      return sign(subject, admin, ttl, key, issuer);
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token with " + keyFile, e);
    }
  }

  static String sign(String subject, boolean admin, long ttl, java.security.PrivateKey key, String issuer)
      throws java.security.GeneralSecurityException {
    long now = System.currentTimeMillis() / 1000;
    String groups = admin ? "[\"customer\",\"admin\"]" : "[\"customer\"]";
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims = "{\"iss\":\"%s\",\"sub\":\"%s\",\"upn\":\"%s\",\"groups\":%s,\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}"
        .formatted(json(issuer), json(subject), json(subject), groups, now, now + ttl, UUID.randomUUID());
    String signingInput = b64(header) + "." + b64(claims);
    var signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
