package shop.orders.redis;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.OwnRedis;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/**
 * Redis killed, disk full and frozen, each under traffic, against a redis-server of this class's own: orders keep
 * being placed, the catalog keeps being served, carts answer 503 + Retry-After, the condition shows in the Redis
 * health group and in metrics, and everything recovers once Redis does, without a restart.
 */
@QuarkusTest
@WithTestResource(OwnRedis.class)
class RedisFailureTests {
  private static final String PREFIX = Api.prefix(RedisFailureTests.class);

  private final String sku = PREFIX + UUID.randomUUID().toString().substring(0, 6);
  private final String token = LocalTokens.customer(Api.newCustomer());

  @BeforeEach
  void redisHealthyAndAProductSeen() throws Exception {
    // A breaker closes only on calls that succeed, so keep calling Redis (a cart, a product never read) meanwhile.
    awaitTrue(() -> given().auth().oauth2(token).get("/api/cart").statusCode() == 200
            && given().get("/api/products/{sku}", "PROBE-" + UUID.randomUUID()).statusCode() == 404
            && "UP".equals(redisHealth().getString("status"))
            && "CLOSED".equals(redisHealth().getString("checks[0].data.breaker"))
            && "CLOSED".equals(redisHealth().getString("checks[0].data.cartsBreaker")),
        "Redis healthy with the breaker closed");
    Api.putProduct(sku, 1_000, 100_000);
    given().when().get("/api/products/{sku}", sku).then().statusCode(200);
    cartPut().then().statusCode(200);
  }

  @Test
  void redisKilledOrdersGoOnCatalogFromMemoryCartsRefusedThenAllRecovers() throws Exception {
    double servedWithoutRedis = metric("redis_fallbacks_total", "use=\"catalog\"");
    OwnRedis.redis().kill();

    for (int i = 0; i < 15; i++) {
      placeOrder().then().statusCode(201);
    }
    Thread.sleep(1_100); // past the in-memory freshness: the product now needs Redis, which is gone
    given().when().get("/api/products/{sku}", sku).then().statusCode(200).body("sku", is(sku));
    assertThat(metric("redis_fallbacks_total", "use=\"catalog\"")).isGreaterThan(servedWithoutRedis);
    given().auth().oauth2(token).when().get("/api/cart").then().statusCode(503)
        .contentType("application/problem+json").header("Retry-After", "2").body("type", endsWith("/cart-unavailable"));
    assertThat(redisHealth().getString("status")).isEqualTo("DOWN");
    assertThat(metric("redis_command_errors_total", "kind=\"connection\"")).isPositive();

    OwnRedis.redis().start();
    awaitTrue(() -> given().auth().oauth2(token).when().get("/api/cart").statusCode() == 200, "carts back");
    cartPut().then().statusCode(200);
    placeOrder().then().statusCode(201);
  }

  @Test
  void redisDiskFullOrdersAndCatalogGoOnAndTheCauseIsShownThenRecovers() throws Exception {
    OwnRedis.assumeDiskCanFill();
    Path filler = OwnRedis.redis().dir().resolve("filler");
    fill(filler);
    awaitTrue(() -> cli("SET", "probe", "x").startsWith("MISCONF"), "Redis refusing writes with MISCONF");

    for (int i = 0; i < 15; i++) {
      placeOrder().then().statusCode(201);
    }
    given().when().get("/api/products/{sku}", sku).then().statusCode(200).body("sku", is(sku));
    cartPut().then().statusCode(503).header("Retry-After", "2");
    var health = redisHealth();
    assertThat(health.getString("status")).isEqualTo("DOWN");
    assertThat(health.getString("checks[0].data.ping")).contains("MISCONF").contains("No space left on device");
    assertThat(metric("redis_command_errors_total", "kind=\"misconf\"")).isPositive();

    Files.delete(filler);
    awaitTrue(() -> cartPut().statusCode() == 200, "Redis taking writes again");
    assertThat(redisHealth().getString("status")).isEqualTo("UP");
    placeOrder().then().statusCode(201);
  }

  @Test
  void redisFrozenCostsAnOrderAtMostTheDeadlineAndFailsNothing() throws Exception {
    var before = ordersFor(Duration.ofSeconds(2));
    OwnRedis.redis().freeze();
    Timed frozen;
    try {
      frozen = ordersFor(Duration.ofSeconds(2));
      given().when().get("/api/products/{sku}", sku).then().statusCode(200);
    } finally {
      OwnRedis.redis().thaw();
    }

    assertThat(before.statuses()).isNotEmpty().allMatch(status -> status == 201);
    assertThat(frozen.statuses()).isNotEmpty().allMatch(status -> status == 201);
    String figures = "Order POST, 4 buyers in a loop, 2 s each (redis.deadline 50 ms): Redis healthy " + before
        + "; Redis frozen " + frozen;
    System.out.println(figures);
    Files.writeString(Path.of("target/redis-frozen-latency.txt"), figures + "\n");
  }

  /** Statuses and latencies of the orders 4 buyers place one after another for {@code period}. */
  private record Timed(List<Integer> statuses, List<Long> millis) {
    @Override
    public String toString() {
      List<Long> sorted = millis.stream().sorted().toList();
      return sorted.size() + " orders, p50 " + sorted.get(sorted.size() / 2) + " ms, p99 "
          + sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1)) + " ms, max " + sorted.getLast() + " ms";
    }
  }

  private Timed ordersFor(Duration period) throws Exception {
    List<Long> millis = Collections.synchronizedList(new ArrayList<>());
    List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + period.toNanos();
    List<Callable<Void>> buyers = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      String buyer = LocalTokens.customer(Api.newCustomer());
      buyers.add(() -> {
        for (int i = 0; i < 500 && System.nanoTime() < end; i++) {
          long start = System.nanoTime();
          var reply = Api.post("/api/orders", buyer, UUID.randomUUID().toString(), Api.lines(sku, 1));
          millis.add((System.nanoTime() - start) / 1_000_000);
          statuses.add(reply.status());
        }
        return null;
      });
    }
    Api.concurrently(buyers);
    return new Timed(List.copyOf(statuses), List.copyOf(millis));
  }

  private Response placeOrder() {
    return given().auth().oauth2(token).contentType(ContentType.JSON)
        .header("Idempotency-Key", UUID.randomUUID().toString()).body(Api.lines(sku, 1)).post("/api/orders");
  }

  private Response cartPut() {
    return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("quantity", 2))
        .put("/api/cart/items/{sku}", sku);
  }

  private static io.restassured.path.json.JsonPath redisHealth() {
    return Metrics.management().get("/q/health/group/redis").jsonPath();
  }

  private static double metric(String name, String label) {
    return Metrics.sum(name, label);
  }

  private static String cli(String... args) {
    try {
      return OwnRedis.redis().cli(args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes zeros until the tmpfs is full (bounded by its size). */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1_024; i++) {
        out.write(block);
      }
    } catch (IOException full) {
      return;
    }
    throw new IllegalStateException("the tmpfs did not fill up");
  }

  private static void awaitTrue(Supplier<Boolean> condition, String what) throws InterruptedException {
    for (int i = 0; i < 150; i++) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not reached within 15 s: " + what);
  }
}
