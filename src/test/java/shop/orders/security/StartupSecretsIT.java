package shop.orders.security;

import org.junit.jupiter.api.Test;
import shop.orders.testing.PackagedService;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service outside the local, dev and test profiles: it refuses to start without the webhook secret or
 * the token verification settings (their only defaults are for local runs, and the local key pair is public), and
 * starts when they are given. Run as its own process, in a schema of its own.
 */
class StartupSecretsIT {
  private static final Set<String> SECRETS = Set.of("PAYMENT_WEBHOOK_SECRET", "PAYMENT_WEBHOOK_PREVIOUS_SECRET",
      "JWT_PUBLIC_KEY_LOCATION", "JWT_ISSUER", "JWT_AUDIENCE");
  private static final String SCHEMA = TestDatabase.SCHEMA + "_startup";
  private static final Map<String, String> DATABASE = Map.of(
      "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + SCHEMA,
      "quarkus.flyway.schemas", SCHEMA, "quarkus.datasource.username", "postgres");
  private static final Map<String, String> ALL_SET = Map.of(
      "PAYMENT_WEBHOOK_SECRET", "a-staging-secret",
      "JWT_PUBLIC_KEY_LOCATION", "file:local-only-keys/jwt-public-key.pem",
      "JWT_ISSUER", "https://auth.staging.example/", "JWT_AUDIENCE", "order-service");

  private static PackagedService start(String profile, Map<String, String> env) throws Exception {
    var properties = new HashMap<>(DATABASE);
    properties.put("quarkus.profile", profile);
    return PackagedService.start("startup-" + profile, properties, env, SECRETS);
  }

  private static Map<String, String> allSetBut(String missing) {
    var env = new HashMap<>(ALL_SET);
    env.remove(missing);
    return env;
  }

  private static void refusesToStart(String profile, Map<String, String> env, String naming) throws Exception {
    try (var service = start(profile, env)) {
      var exit = service.exitWithin(Duration.ofSeconds(60));
      assertThat(exit).as("%s without %s must not start:%n%s", profile, naming, service.output()).isPresent();
      assertThat(exit.getAsInt()).isNotZero();
      assertThat(service.output()).contains(naming);
    }
  }

  @Test
  void aStagingProfileWithoutTheWebhookSecretDoesNotStart() throws Exception {
    refusesToStart("staging", allSetBut("PAYMENT_WEBHOOK_SECRET"), "PAYMENT_WEBHOOK_SECRET");
  }

  @Test
  void aStagingProfileWithoutTheTokenAudienceOrKeyDoesNotStart() throws Exception {
    refusesToStart("staging", allSetBut("JWT_AUDIENCE"), "mp.jwt.verify.audiences");
    refusesToStart("staging", allSetBut("JWT_PUBLIC_KEY_LOCATION"), "mp.jwt.verify.publickey.location");
  }

  @Test
  void theProdProfileWithNothingSetDoesNotStart() throws Exception {
    refusesToStart("prod", Map.of(), "PAYMENT_WEBHOOK_SECRET");
  }

  @Test
  void aStagingProfileWithEverythingSetStarts() throws Exception {
    try (var service = start("staging", ALL_SET)) {
      assertThat(service.awaitReady(Duration.ofSeconds(60))).as(service.output()).isTrue();
    }
  }
}
