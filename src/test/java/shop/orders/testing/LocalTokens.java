package shop.orders.testing;

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
  /** The audience the local and test runs require (mp.jwt.verify.audiences). */
  public static final String AUDIENCE = "order-service";
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

  /** Well formed and signed by the right key, but for another application. */
  public static String forAudience(String customerId, String audience) {
    return sign(customerId, false, 3600, key(KEY), ISSUER, audience);
  }

  /** Well formed and signed by the right key, valid for {@code seconds} from now. */
  public static String withLifetime(String customerId, long seconds) {
    return sign(customerId, false, seconds, KEY, ISSUER);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args[0].startsWith("-")) {
      System.err.println("usage: bin/token <customer-id> [--admin] [--ttl seconds]");
      System.exit(2);
    }
    String subject = args[0];
    boolean admin = false;
    long ttl = 3600;   // the longest lifetime the service accepts (smallrye.jwt.time-to-live)
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

  public static String sign(String subject, boolean admin, long ttl, Path keyFile, String issuer) {
    return sign(subject, admin, ttl, key(keyFile), issuer, System.getenv().getOrDefault("JWT_AUDIENCE", AUDIENCE));
  }

  private static java.security.PrivateKey key(Path keyFile) {
    try {
      String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the signing key " + keyFile, e);
    }
  }

  public static String sign(String subject, boolean admin, long ttl, java.security.PrivateKey key, String issuer)
      throws java.security.GeneralSecurityException {
    return sign(subject, admin, ttl, key, issuer, AUDIENCE);
  }

  public static String sign(String subject, boolean admin, long ttl, java.security.PrivateKey key, String issuer,
                     String audience) {
    return sign(subject, admin, ttl, key, issuer, audience, System.currentTimeMillis() / 1000);
  }

  /** A customer's token that says it was issued {@code issuedInSeconds} from now (negative: in the past). */
  public static String issuedIn(String customerId, long issuedInSeconds) {
    return sign(customerId, false, 600, key(KEY), ISSUER, AUDIENCE, System.currentTimeMillis() / 1000 + issuedInSeconds);
  }

  private static String sign(String subject, boolean admin, long ttl, java.security.PrivateKey key, String issuer,
                             String audience, long now) {
    String groups = admin ? "[\"customer\",\"admin\"]" : "[\"customer\"]";
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims = ("{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\",\"upn\":\"%s\",\"groups\":%s,\"iat\":%d,"
        + "\"exp\":%d,\"jti\":\"%s\"}")
        .formatted(json(issuer), json(audience), json(subject), json(subject), groups, now, now + ttl,
            UUID.randomUUID());
    String signingInput = b64(header) + "." + b64(claims);
    try {
      var signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
