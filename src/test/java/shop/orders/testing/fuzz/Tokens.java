package shop.orders.testing.fuzz;

import shop.orders.testing.LocalTokens;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The bearer tokens a run sends, each made once (so a request shrinks and is sent again with the same token): the
 * fixture's customers and operator, and tokens that must be refused (expired, another issuer or audience, too long
 * a lifetime, issued in the future, unsigned, tampered, odd subjects, not a JWT at all). {@link #shell()} writes the
 * valid ones as the bin/token command that mints them again.
 */
public final class Tokens {
  public static final String OPERATOR = "fuzz-operator";
  private static final Path KEY = Path.of("local-only-keys/jwt-private-key.pem");
  private final Map<String, String> made = new ConcurrentHashMap<>();
  private final Map<String, String> commands = new ConcurrentHashMap<>();

  public String customer(String customerId) {
    return made.computeIfAbsent("customer:" + customerId, k -> {
      String token = LocalTokens.customer(customerId);
      commands.put(token, "$(bin/token " + customerId + ")");
      return token;
    });
  }

  public String admin() {
    return made.computeIfAbsent("admin", k -> {
      String token = LocalTokens.admin(OPERATOR);
      commands.put(token, "$(bin/token " + OPERATOR + " --admin)");
      return token;
    });
  }

  /** The refused kinds, by name, for {@code customerId}; simplest first. */
  public Map<String, String> refused(String customerId, String otherCustomerId) {
    var kinds = new LinkedHashMap<String, String>();
    kinds.put("expired token", made.computeIfAbsent("expired", k -> {
      String token = LocalTokens.expired(customerId);
      commands.put(token, "$(bin/token " + customerId + " --ttl -600)");
      return token;
    }));
    kinds.put("token from another issuer",
        once("issuer", () -> LocalTokens.fromIssuer(customerId, "https://issuer.example/other")));
    kinds.put("token for another audience",
        once("audience", () -> LocalTokens.forAudience(customerId, "another-service")));
    kinds.put("token valid for 2 h", once("lifetime", () -> LocalTokens.withLifetime(customerId, 7_200)));
    kinds.put("token issued 1 h from now", once("future", () -> LocalTokens.issuedIn(customerId, 3_600)));
    String valid = customer(customerId);
    String[] parts = valid.split("\\.");
    kinds.put("unsigned token (alg none)", once("none", () -> b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
        + parts[1] + "."));
    kinds.put("token whose claims were swapped for another customer's", once("tampered", () -> {
      String[] other = customer(otherCustomerId).split("\\.");
      return parts[0] + "." + other[1] + "." + parts[2];
    }));
    kinds.put("token without its signature", once("stripped", () -> parts[0] + "." + parts[1] + "."));
    for (String subject : List.of("", " ", "x".repeat(129), "cust\u0000nul", "고객", "\u202eevil",
        customerId + " ", customerId.toUpperCase())) {
      kinds.put("token for subject '" + FuzzRequest.printable(subject) + "'", once("sub:" + subject,
          () -> LocalTokens.sign(subject, false, 600, KEY, LocalTokens.ISSUER)));
    }
    return kinds;
  }

  private String once(String kind, java.util.function.Supplier<String> make) {
    return made.computeIfAbsent(kind, k -> make.get());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces each token this run minted with the command that mints it again. */
  public UnaryOperator<String> shell() {
    return value -> {
      String out = value;
      for (var entry : commands.entrySet()) {
        out = out.replace(entry.getKey(), entry.getValue());
      }
      return out;
    };
  }
}
