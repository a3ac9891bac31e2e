package shop.orders.http;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Every bad request gets a problem+json naming what is wrong, and none of them leaves an order or takes stock. */
@QuarkusTest
class BadInputTests {
  private static final String PREFIX = Api.prefix(BadInputTests.class);
  private static final String SKU = PREFIX + "STOCK";
  private static final String CUSTOMER = Api.newCustomer();
  private static final String TOKEN = LocalTokens.customer(CUSTOMER);

  private static ValidatableResponse post(String body) {
    Api.putProduct(SKU, 1_000, 10);
    return given().auth().oauth2(TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body(body)
        .when().post("/api/orders")
        .then().contentType(startsWith("application/problem+json"))
        .body("detail", not(containsString("Exception")), "detail", not(containsString("at shop.")));
  }

  @Test
  void malformedJsonIs400() {
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1").statusCode(400).body("type", endsWith("/malformed-json"));
    post("not json at all").statusCode(400).body("type", endsWith("/malformed-json"));
  }

  @Test
  void aMemberWrittenTwiceIsMalformedJsonNotA500() {
    // which of the two counts is not defined; Jackson failed on the records with a definition error (a bodiless 500)
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1,\"quantity\":2}]}").statusCode(400)
        .body("type", endsWith("/malformed-json"));
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}],\"lines\":[]}").statusCode(400)
        .body("type", endsWith("/malformed-json"));
  }

  @Test
  void wrongTypesNameTheField() {
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":\"two\"}]}").statusCode(400)
        .body("errors.field", contains("lines[0].quantity"));
    // numbers are taken as written: neither a fraction nor a string of digits is a quantity
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1.5}]}").statusCode(400)
        .body("errors.field", contains("lines[0].quantity"));
    post("{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":\"3\"}]}").statusCode(400)
        .body("errors.field", contains("lines[0].quantity"));
    post("{\"lines\":{\"sku\":\"x\"}}").statusCode(400).body("errors.field", contains("lines"));
    // nor is a number or a boolean a SKU: it is not taken as the text it would print as
    post("{\"lines\":[{\"sku\":123,\"quantity\":1}]}").statusCode(400)
        .body("errors.field", contains("lines[0].sku"));
    post("{\"lines\":[{\"sku\":true,\"quantity\":1}]}").statusCode(400)
        .body("errors.field", contains("lines[0].sku"));
  }

  @Test
  void quantitiesOutside1To100AreRefused() {
    post(Api.lines(SKU, 0)).statusCode(400).body("errors.field", contains("lines[0].quantity"));
    post(Api.lines(SKU, -3)).statusCode(400).body("errors.field", contains("lines[0].quantity"));
    post(Api.lines(SKU, 101)).statusCode(400).body("errors.field", contains("lines[0].quantity"));
    post("{\"lines\":[{\"sku\":\"" + SKU + "\"}]}").statusCode(400).body("errors.field", contains("lines[0].quantity"));
  }

  @Test
  void lineCountAndSkusAreChecked() {
    var many = new Object[102];
    for (int i = 0; i < 51; i++) {
      many[2 * i] = PREFIX + "L" + i;
      many[2 * i + 1] = 1;
    }
    post(Api.lines(many)).statusCode(400).body("errors.field", contains("lines"));
    post("{\"lines\":[]}").statusCode(400).body("errors.field", contains("lines"));
    post("{}").statusCode(400).body("errors.field", contains("lines"));
    post(Api.lines("bad sku!", 1)).statusCode(400).body("errors.field", contains("lines[0].sku"));
    post(Api.lines(SKU, 1, SKU, 2)).statusCode(400).body("errors.field", contains("lines[1].sku"));
  }

  @Test
  void cursorsThisApiDidNotWriteAre400OnCursorNever500() {
    // a NUL byte (would reach SQL), and a position past what PostgreSQL's timestamptz holds
    given().when().get("/api/products?limit=1&cursor=AA").then().statusCode(400)
        .contentType(startsWith("application/problem+json")).body("errors.field", contains("cursor"));
    given().when().get("/api/products?limit=1&cursor=" + Cursor.encode("not a SKU!")).then().statusCode(400)
        .body("errors.field", contains("cursor"));
    String farFuture = Cursor.encode("+1000000000-01-01T00:00:00Z_" + UUID.randomUUID());
    given().auth().oauth2(TOKEN).when().get("/api/orders?cursor=" + farFuture).then().statusCode(400)
        .contentType(startsWith("application/problem+json")).body("errors.field", contains("cursor"));
    String beforeEpoch = Cursor.encode("1969-12-31T23:59:59Z_" + UUID.randomUUID());
    given().auth().oauth2(TOKEN).when().get("/api/orders?cursor=" + beforeEpoch).then().statusCode(400)
        .body("errors.field", contains("cursor"));
  }

  @Test
  void missingBodyIs400() {
    given().auth().oauth2(TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).when().post("/api/orders")
        .then().statusCode(400).contentType(startsWith("application/problem+json")).body("errors.field", contains("body"));
  }

  @Test
  void bodiesOver64KiBAre413() {
    String huge = "{\"lines\":[" + ("{\"sku\":\"" + SKU + "\",\"quantity\":1},").repeat(2_000) + "]}";
    assertThat(huge.length()).isGreaterThan(64 * 1024);
    post(huge).statusCode(413).body("status", is(413));
    // chunked: no Content-Length, counted while reading
    given().auth().oauth2(TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body(new java.io.ByteArrayInputStream(huge.getBytes()))
        .when().post("/api/orders")
        .then().statusCode(413).contentType(startsWith("application/problem+json"));
  }

  @Test
  void wrongContentTypeIs415() {
    given().auth().oauth2(TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.TEXT).body(Api.lines(SKU, 1))
        .when().post("/api/orders")
        .then().statusCode(415).contentType(startsWith("application/problem+json"));
  }

  @Test
  void badIdempotencyKeysAre400() {
    given().auth().oauth2(TOKEN).header("Idempotency-Key", "x".repeat(256)).contentType(ContentType.JSON)
        .body(Api.lines(SKU, 1)).when().post("/api/orders")
        .then().statusCode(400).body("errors.field", contains("Idempotency-Key"));
  }

  @Test
  void anAcceptTheOperationCannotAnswerIsADocumented406() {
    // ContractValidation checks that the contract lists 406 for these operations
    given().accept("application/xml").when().get("/api/products")
        .then().statusCode(406).contentType(startsWith("application/problem+json"));
    given().auth().oauth2(TOKEN).accept("text/html").when().get("/api/cart")
        .then().statusCode(406).contentType(startsWith("application/problem+json"));
  }

  @Test
  void unknownPathsAndMethodsAreProblems() {
    given().when().get("/api/nothing-here").then().statusCode(404).contentType(startsWith("application/problem+json"));
    given().when().delete("/api/products").then().statusCode(405).contentType(startsWith("application/problem+json"));
  }

  @AfterAll
  static void noneOfItLeftAnOrderOrTookStock() throws Exception {
    assertThat(TestDatabase.ordersOf(CUSTOMER)).isZero();
    assertThat(TestDatabase.count("select count(*) from idempotency_key where customer_id = ?", CUSTOMER)).isZero();
    assertThat(TestDatabase.count("select available from product where sku = ?", SKU)).isEqualTo(10);
  }
}
