package shop.orders.catalog;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.redis.RedisCalls;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.RelaxedRedisDeadline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

/**
 * A flood of made-up SKUs from another process does not make real product or cart reads fail: a SKU that cannot be
 * one is 400 before anything is looked up, unknown SKUs load within a budget of their own, and products this
 * instance knows keep theirs (even when they must come from PostgreSQL, as they do here: the test drops them from
 * Redis before each read). The flooding process shares this machine's two cores with the service and Redis, which can
 * push a Redis call past its 50 ms deadline (a cart read then answers 503 cart-unavailable, as designed, and a
 * different matter from this test's): here the deadline is 500 ms.
 */
@QuarkusTest
@TestProfile(RelaxedRedisDeadline.class)
class UnknownSkuFloodTests {
  private static final String PREFIX = Api.prefix(UnknownSkuFloodTests.class);

  @Inject
  RedisDataSource redis;
  @Inject
  RedisCalls calls;

  @Test
  void aSkuThatCannotBeOneIs400() {
    given().get("/api/products/{sku}", "has space").then().statusCode(400).body("type", endsWith("/invalid-request"));
    given().get("/api/products/{sku}", "x".repeat(65)).then().statusCode(400);
  }

  @Test
  void knownProductsAndCartsAnswer200WhileAnotherProcessFloodsUnknownSkus() throws Exception {
    List<String> known = List.of(PREFIX + "A", PREFIX + "B", PREFIX + "C");
    known.forEach(sku -> Api.putProduct(sku, 1_000, 10));
    known.forEach(sku -> given().get("/api/products/{sku}", sku).then().statusCode(200));
    String shopper = LocalTokens.customer(Api.newCustomer());
    given().auth().oauth2(shopper).contentType(ContentType.JSON).body("{\"quantity\":1}")
        .put("/api/cart/items/{sku}", known.getFirst()).then().statusCode(200);

    Path output = Path.of("target", "unknown-sku-flood.txt");
    // shop.orders.tools.UnknownSkuFlood (src/tools/java), compiled with the tests
    var flood = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", Path.of("target", "test-classes").toString(), "shop.orders.tools.UnknownSkuFlood",
        "http://127.0.0.1:" + RestAssured.port, "6", "16").redirectErrorStream(true).redirectOutput(output.toFile()).start();
    Map<String, Integer> knownStatuses = new HashMap<>();
    try {
      Thread.sleep(1_500);   // the flood starts
      for (int i = 0; i < 60 && flood.isAlive(); i++) {
        String sku = known.get(i % known.size());
        redis.key().del(calls.key("product", sku));
        knownStatuses.merge(outcome("product", given().get("/api/products/{sku}", sku).then().extract()), 1,
            Integer::sum);
        knownStatuses.merge(outcome("cart", given().auth().oauth2(shopper).get("/api/cart").then().extract()), 1,
            Integer::sum);
        Thread.sleep(50);
      }
      assertThat(flood.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      flood.destroyForcibly();
    }
    String floodResult = Files.readString(output);
    System.out.println("unknown-SKU flood, status count:\n" + floodResult + "known reads: " + knownStatuses);

    assertThat(knownStatuses).as("product and cart reads during the flood").containsOnlyKeys("product 200", "cart 200");
    assertThat(knownStatuses.get("product 200")).isGreaterThan(10);
    assertThat(floodResult).as("the flood got answers, never a 500").contains("404 ").doesNotContain("500 ");
    assertThat(floodResult).as("the flood filled its own load budget").contains("503 ");
  }

  /** "product 200", or with the problem type of a refusal: "cart 503 .../carts-unavailable". */
  private static String outcome(String what, io.restassured.response.ExtractableResponse<?> response) {
    return what + " " + response.statusCode()
        + (response.statusCode() == 200 ? "" : " " + response.jsonPath().getString("type"));
  }
}
