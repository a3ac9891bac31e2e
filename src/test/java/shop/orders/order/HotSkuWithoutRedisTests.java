package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/** Redis unreachable (a closed port): the hot-SKU guards fall back to the database and nothing is lost or wrong. */
@QuarkusTest
@TestProfile(HotSkuWithoutRedisTests.NoRedis.class)
class HotSkuWithoutRedisTests {
  private static final String PREFIX = Api.prefix(HotSkuWithoutRedisTests.class);

  public static class NoRedis implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
    }
  }

  @Test
  void ordersSellOutRefuseAndReplayWithoutRedis() {
    String sku = PREFIX + "NOREDIS";
    Api.putProduct(sku, 1_000, 1);
    String token = LocalTokens.customer(Api.newCustomer());
    String key = UUID.randomUUID().toString();
    String id = Api.placeOrder(token, key, Api.lines(sku, 1)).statusCode(201).extract().path("id");

    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 1))
        .statusCode(409).body("type", endsWith("/out-of-stock"));
    // Redis cannot say this key placed an order, so the database answers: the first response again.
    Api.placeOrder(token, key, Api.lines(sku, 1)).statusCode(201).header("Idempotent-Replayed", "true")
        .body("id", is(id));

    given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id).then().statusCode(200);
    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 1))
        .statusCode(201);
  }
}
