package shop.orders.redis;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.OwnRedis;
import shop.orders.testing.RedisProcess;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key the service writes to Redis and every channel it uses lives under {@code redis.key-prefix}, so several
 * services (or two deployments) can share one Redis: on a Redis of its own with another prefix, after products,
 * carts, a checkout, orders, a sell-out and a release, nothing is outside that prefix.
 */
@QuarkusTest
@TestProfile(RedisKeyPrefixTests.OtherPrefix.class)
@WithTestResource(OwnRedis.class)
class RedisKeyPrefixTests {
  static final String PREFIX = "shop-test:";

  public static class OtherPrefix implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("redis.key-prefix", PREFIX);
    }
  }

  private static List<String> redis(String... command) throws Exception {
    String out = RedisProcess.cli(OwnRedis.redis().port(), command).strip();
    return out.isEmpty() ? List.of() : Arrays.stream(out.split("\n")).map(String::strip).toList();
  }

  @Test
  void everyKeyAndChannelIsUnderTheConfiguredPrefix() throws Exception {
    String sku = Api.prefix(RedisKeyPrefixTests.class) + "LAST";
    Api.putProduct(sku, 1_000, 1);
    given().get("/api/products/{sku}", sku).then().statusCode(200);
    String token = LocalTokens.customer(Api.newCustomer());
    given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"quantity\":1}")
        .put("/api/cart/items/{sku}", sku).then().statusCode(200);
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .post("/api/cart/checkout").then().statusCode(201);
    String other = LocalTokens.customer(Api.newCustomer());
    Api.placeOrder(other, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(409);   // sold out
    String plenty = Api.prefix(RedisKeyPrefixTests.class) + "PLENTY";
    Api.putProduct(plenty, 1_000, 10);
    String orderId = Api.placedOrderId(other, Api.lines(plenty, 1));
    given().auth().oauth2(other).post("/api/orders/{id}/cancel", orderId).then().statusCode(200);   // a release

    List<String> keys = redis("--scan");
    List<String> channels = redis("PUBSUB", "CHANNELS");
    assertThat(keys).as("the checks above wrote keys").isNotEmpty()
        .allSatisfy(key -> assertThat(key).startsWith(PREFIX));
    assertThat(keys).anySatisfy(k -> assertThat(k).startsWith(PREFIX + "product:"))
        .anySatisfy(k -> assertThat(k).startsWith(PREFIX + "cart-checkout:"))
        .anySatisfy(k -> assertThat(k).startsWith(PREFIX + "order-key:"));
    assertThat(channels).as("the channels the service listens on").hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(channel -> assertThat(channel).startsWith(PREFIX));
  }
}
