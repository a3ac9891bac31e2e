package shop.orders.cart;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.RelaxedRedisDeadline;
import shop.orders.testing.TestDatabase;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** A customer's cart in Redis: lines set, changed and removed, checked out into an order exactly once. */
@QuarkusTest
@TestProfile(RelaxedRedisDeadline.class)
class CartTests {
  private static final String PREFIX = Api.prefix(CartTests.class);

  static RequestSpecification as(String token) {
    return given().auth().oauth2(token).contentType(ContentType.JSON);
  }

  private static volatile boolean warm;

  /** The first cart calls of a fresh JVM (Redis client, Lua script load, JIT) are not what these tests are about. */
  @org.junit.jupiter.api.BeforeEach
  void warmUp() throws InterruptedException {
    String token = LocalTokens.customer(Api.newCustomer());
    for (int i = 0; i < 50 && !warm; i++) {
      warm = as(token).when().get("/api/cart").then().extract().statusCode() == 200
          && as(token).body(Map.of("quantity", 1)).when().put("/api/cart/items/{sku}", "WARM-UP-NO-SUCH-SKU")
          .then().extract().statusCode() == 422;
      Thread.sleep(warm ? 0 : 100);
    }
  }

  static void put(String token, String sku, int quantity) {
    as(token).body(Map.of("quantity", quantity)).when().put("/api/cart/items/{sku}", sku).then().statusCode(200);
  }

  @Test
  void linesAreSetReplacedRemovedAndPricedFromTheCatalog() {
    String a = PREFIX + "A";
    String b = PREFIX + "B";
    Api.putProduct(a, 1_000, 10);
    Api.putProduct(b, 2_500, 10);
    String token = LocalTokens.customer(Api.newCustomer());

    as(token).when().get("/api/cart").then().statusCode(200).body("items", empty());
    put(token, a, 2);
    put(token, b, 1);
    put(token, a, 3);
    as(token).when().get("/api/cart").then().statusCode(200)
        .body("items.sku", contains(a, b))
        .body("items.quantity", contains(3, 1))
        .body("items[0].unitPrice.amountMinor", is(1_000))
        .body("items[0].lineTotal.amountMinor", is(3_000))
        .body("total.amountMinor", is(5_500));

    as(token).when().delete("/api/cart/items/{sku}", a).then().statusCode(204);
    as(token).when().get("/api/cart").then().body("items.sku", contains(b));
    as(token).when().delete("/api/cart").then().statusCode(204);
    as(token).when().get("/api/cart").then().body("items", empty());
  }

  @Test
  void aCartIsItsOwnersAlone() {
    String sku = PREFIX + "OWN";
    Api.putProduct(sku, 1_000, 10);
    put(LocalTokens.customer(Api.newCustomer()), sku, 1);
    as(LocalTokens.customer(Api.newCustomer())).when().get("/api/cart").then().statusCode(200).body("items", empty());
    given().when().get("/api/cart").then().statusCode(401);
  }

  @Test
  void badLinesAreRefusedAndChangeNothing() {
    String sku = PREFIX + "BAD";
    Api.putProduct(sku, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    put(token, sku, 1);

    as(token).body(Map.of("quantity", 0)).when().put("/api/cart/items/{sku}", sku).then().statusCode(400)
        .contentType("application/problem+json").body("errors[0].field", containsString("quantity"));
    as(token).body(Map.of("quantity", 101)).when().put("/api/cart/items/{sku}", sku).then().statusCode(400);
    as(token).body("{\"quantity\":").when().put("/api/cart/items/{sku}", sku).then().statusCode(400);
    as(token).body(Map.of("quantity", 1)).when().put("/api/cart/items/{sku}", PREFIX + "NOPE").then().statusCode(422)
        .body("type", endsWith("/unknown-sku")).body("skus", contains(PREFIX + "NOPE"));
    as(token).body(Map.of("quantity", 1)).when().put("/api/cart/items/{sku}", "bad sku!").then().statusCode(400);

    as(token).when().get("/api/cart").then().body("items", hasSize(1)).body("items[0].quantity", is(1));
  }

  @Test
  void checkoutPlacesTheOrderOnceEmptiesTheCartAndReplays() throws Exception {
    String a = PREFIX + "CO-A";
    String b = PREFIX + "CO-B";
    Api.putProduct(a, 1_000, 5);
    Api.putProduct(b, 700, 5);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    put(token, a, 2);
    put(token, b, 1);
    String key = UUID.randomUUID().toString();

    String id = as(token).header("Idempotency-Key", key).when().post("/api/cart/checkout").then().statusCode(201)
        .body("total.amountMinor", is(2_700)).body("lines", hasSize(2))
        .extract().path("id");
    as(token).when().get("/api/cart").then().body("items", empty());
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(1);
    assertThat(Api.available(a)).isEqualTo(3);

    // The same key after the cart was emptied still answers with the first response,
    as(token).header("Idempotency-Key", key).when().post("/api/cart/checkout").then().statusCode(201)
        .header("Idempotent-Replayed", "true").header("Location", endsWith("/api/orders/" + id)).body("id", is(id));
    // and so it does once Redis has forgotten what the key checked out (evicted): PostgreSQL has the response.
    forgetCheckouts(customer);
    as(token).header("Idempotency-Key", key).when().post("/api/cart/checkout").then().statusCode(201)
        .header("Idempotent-Replayed", "true").body("id", is(id));
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(1);
  }

  /** Deletes, in the machine's Redis, what this customer's checkouts remembered. */
  private static void forgetCheckouts(String customer) throws Exception {
    var keys = new ProcessBuilder("redis-cli", "--scan", "--pattern", ConfigProvider.getConfig().getValue("redis.key-prefix", String.class) + "cart-checkout:*" + customer + "*")
        .start();
    String found = new String(keys.getInputStream().readAllBytes()).strip();
    assertThat(found).as("the checkout was remembered in Redis").isNotEmpty();
    for (String key : found.split("\n")) {
      assertThat(new ProcessBuilder("redis-cli", "DEL", key).start().waitFor()).isZero();
    }
  }

  @Test
  void anEmptyCartOrAMissingKeyIsRefused() throws Exception {
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    as(token).header("Idempotency-Key", UUID.randomUUID().toString()).when().post("/api/cart/checkout").then()
        .statusCode(422).body("type", endsWith("/cart-empty"));
    as(token).when().post("/api/cart/checkout").then().statusCode(400)
        .body("errors[0].field", is("Idempotency-Key"));
    assertThat(TestDatabase.ordersOf(customer)).isZero();
  }

  @Test
  void anEmptyCartCheckoutUnderAKeyOfAnotherOperationIs422NotItsAnswer() throws Exception {
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    String key = UUID.randomUUID().toString();
    // this customer paid an order with this key before (its answer stored as the payment service stores it)
    String orderId = UUID.randomUUID().toString();
    try (var c = TestDatabase.connect(); var insert = c.prepareStatement("insert into idempotency_key (customer_id, "
        + "idem_key, fingerprint, response_status, response_body, location, completed) values (?, ?, ?, 201, ?, ?, true)")) {
      insert.setString(1, customer);
      insert.setString(2, key);
      insert.setString(3, "0".repeat(64));
      insert.setString(4, "{\"id\":\"" + UUID.randomUUID() + "\",\"orderId\":\"" + orderId + "\",\"status\":\"CAPTURED\"}");
      insert.setString(5, "/api/orders/" + orderId + "/payment");
      insert.executeUpdate();
    }
    as(token).header("Idempotency-Key", key).when().post("/api/cart/checkout").then().statusCode(422)
        .header("Location", nullValue()).body("type", endsWith("/idempotency-key-reused"));
    assertThat(TestDatabase.ordersOf(customer)).isZero();
  }

  @Test
  void aCheckoutShortOfStockKeepsTheCart() throws Exception {
    String sku = PREFIX + "SHORT";
    Api.putProduct(sku, 1_000, 1);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    put(token, sku, 2);
    as(token).header("Idempotency-Key", UUID.randomUUID().toString()).when().post("/api/cart/checkout").then()
        .statusCode(409).body("type", endsWith("/out-of-stock"));
    as(token).when().get("/api/cart").then().body("items.quantity", contains(2));
    assertThat(TestDatabase.ordersOf(customer)).isZero();
    assertThat(Api.available(sku)).isEqualTo(1);
  }
}
