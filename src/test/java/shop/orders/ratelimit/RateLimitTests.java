package shop.orders.ratelimit;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.OwnRedis;
import shop.orders.testing.RedisProcess;
import shop.orders.testing.RelaxedRedisDeadline;
import shop.orders.testing.TestDatabase;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Per-customer limits on order POSTs (3 per 3 s here): the 4th in the window gets 429 + Retry-After and places
 * nothing; honouring Retry-After with the same key succeeds; without Redis the instance's own memory keeps the limit.
 */
@QuarkusTest
@TestProfile(RateLimitTests.SmallLimits.class)
@WithTestResource(OwnRedis.class)
class RateLimitTests {
  private static final String PREFIX = Api.prefix(RateLimitTests.class);

  public static class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // the limit counted in Redis is this test's subject: on busy cores a check past the 50 ms deadline falls back
      // to memory (counted apart), which RedisFailureTests and the second test here cover
      var overrides = new HashMap<>(RelaxedRedisDeadline.OVERRIDES);
      overrides.putAll(Map.of("rate-limit.orders-requests", "3", "rate-limit.orders-per", "PT3S",
          "rate-limit.api-requests", "6", "rate-limit.api-per", "PT60S"));
      return overrides;
    }
  }

  /**
   * Counting must happen in one place: while a Redis breaker is open or half-open (after the other test restarted
   * Redis) some calls are counted in this instance's memory and others in Redis.
   */
  private static void awaitRedisBreakersClosed() throws Exception {
    for (int i = 0; i < 40; i++) {
      boolean open = Metrics.sum("redis_breaker_open") > 0;
      if (!open) {
        return;
      }
      RedisProcess.cli(OwnRedis.redis().port(), "PING");
      Thread.sleep(250);
    }
    throw new AssertionError("a Redis breaker stayed open");
  }

  /** How many rate-limit checks fell back to this instance's memory so far. */
  private static double rateLimitFallbacks() {
    return Metrics.sum("redis_fallbacks_total", "use=\"rate_limit\"");
  }

  @Test
  void theFourthOrderInTheWindowWaitsForRetryAfterAndThenSucceeds() throws Exception {
    awaitRedisBreakersClosed();
    String sku = PREFIX + "LIMIT";
    Api.putProduct(sku, 1_000, 100);
    // A Redis call that fails (the other test restarted Redis; a reconnect) counts that order in this instance's
    // memory instead: a window counted in two places is not this test's subject, so such an attempt starts again
    // with another customer (at most three times), and the limit is asserted on a window counted in Redis alone.
    String customer = null;
    String token = null;
    String key = null;
    io.restassured.response.ValidatableResponse fourth = null;
    for (int attempt = 0; attempt < 3 && customer == null; attempt++) {
      double fallbacksBefore = rateLimitFallbacks();
      String candidate = Api.newCustomer();
      String candidateToken = LocalTokens.customer(candidate);
      for (int i = 0; i < 3; i++) {
        Api.placeOrder(candidateToken, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(201);
      }
      String candidateKey = UUID.randomUUID().toString();
      var answer = Api.placeOrder(candidateToken, candidateKey, Api.lines(sku, 1));
      if (rateLimitFallbacks() == fallbacksBefore) {
        customer = candidate;
        token = candidateToken;
        key = candidateKey;
        fourth = answer;
      }
    }
    assertThat(customer).as("four orders counted in Redis alone").isNotNull();
    String retryAfter = fourth.statusCode(429)
        .contentType("application/problem+json").body("type", endsWith("/rate-limited"))
        .body("bucket", is("orders"), "limit", is(3), "windowSeconds", is(3))
        .extract().header("Retry-After");
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(3);
    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 1))
        .statusCode(201);

    assertThat(Integer.parseInt(retryAfter)).isBetween(1, 3);
    Thread.sleep(Integer.parseInt(retryAfter) * 1_000L);
    Api.placeOrder(token, key, Api.lines(sku, 1)).statusCode(201);
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(4);
    Metrics.management().get("/q/metrics").then()
        .body(containsString("rate_limit_rejected_total{app=\"order-service\",bucket=\"orders\"}"));
  }

  /**
   * Every call counts against the client's "api" bucket (6 a minute here, one every 10 s after the burst): per
   * customer with a token, per address without; the answer reports each bucket counted (IETF RateLimit fields).
   */
  @Test
  void everyCallCountsAgainstTheCallersApiBucketAndEveryAnswerSaysSo() {
    String sku = PREFIX + "API";
    Api.putProduct(sku, 1_000, 100);
    String token = LocalTokens.customer(Api.newCustomer());
    given().auth().oauth2(token).get("/api/orders").then().statusCode(200)
        .header("RateLimit-Policy", "\"api\";q=6;w=60").header("RateLimit", "\"api\";r=5;t=10");
    Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(201)
        .header("RateLimit-Policy", "\"api\";q=6;w=60, \"orders\";q=3;w=3")
        .header("RateLimit", startsWith("\"api\";r=4;t=")).header("RateLimit", containsString(", \"orders\";r=2;t="));
    for (int i = 0; i < 4; i++) {
      given().auth().oauth2(token).get("/api/orders/" + UUID.randomUUID()).then().statusCode(404)
          .header("RateLimit", startsWith("\"api\";r=" + (3 - i) + ";"));
    }
    String retryAfter = given().auth().oauth2(token).get("/api/orders").then().statusCode(429)
        .contentType("application/problem+json").body("type", endsWith("/rate-limited"))
        .body("bucket", is("api"), "limit", is(6), "windowSeconds", is(60))
        .header("RateLimit", startsWith("\"api\";r=0;"))
        .extract().header("Retry-After");
    assertThat(Integer.parseInt(retryAfter)).isBetween(1, 10);
    given().auth().oauth2(LocalTokens.customer(Api.newCustomer())).get("/api/orders").then().statusCode(200);
    given().get("/api/products/" + sku).then().statusCode(200)
        .header("RateLimit-Policy", "\"api\";q=6;w=60").header("RateLimit", containsString(";r="));
  }

  @Test
  void withoutRedisTheLimitHoldsPerInstance() throws Exception {
    String sku = PREFIX + "NOREDIS";
    Api.putProduct(sku, 1_000, 100);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    OwnRedis.redis().kill();
    try {
      for (int i = 0; i < 3; i++) {
        Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(201);
      }
      Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(429)
          .header("Retry-After", org.hamcrest.Matchers.notNullValue());
      assertThat(TestDatabase.ordersOf(customer)).isEqualTo(3);
      Metrics.management().get("/q/metrics").then()
          .body(containsString("redis_fallbacks_total{app=\"order-service\",use=\"rate_limit\"}"));
    } finally {
      OwnRedis.redis().start();
    }
  }
}
