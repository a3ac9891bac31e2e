import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.UUID;

/** Prints an RS256 bearer token signed with the local-only demo key: Token <customer-id> [--admin] [--ttl seconds]. */
public class Token {
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
    String keyFile = System.getenv().getOrDefault("JWT_PRIVATE_KEY", "local-only-keys/jwt-private-key.pem");
    String issuer = System.getenv().getOrDefault("JWT_ISSUER", "https://orders.local/issuer");
    String pem = Files.readString(Path.of(keyFile)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));

    long now = System.currentTimeMillis() / 1000;
    String groups = admin ? "[\"customer\",\"admin\"]" : "[\"customer\"]";
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims = "{\"iss\":\"%s\",\"sub\":\"%s\",\"upn\":\"%s\",\"groups\":%s,\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}"
        .formatted(json(issuer), json(subject), json(subject), groups, now, now + ttl, UUID.randomUUID());
    String signingInput = b64(header) + "." + b64(claims);
    var signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    System.out.println(signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
