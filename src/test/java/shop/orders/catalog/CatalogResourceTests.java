package shop.orders.catalog;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class CatalogResourceTests {
  private static final String PREFIX = Api.prefix(CatalogResourceTests.class);

  @Test
  void adminCreatesThenUpdatesAProduct() {
    String sku = PREFIX + "NEW";
    var product = Map.of("name", "Earbuds", "price", Map.of("amountMinor", 29_000, "currency", "KRW"),
        "available", 7, "event", true);
    String etag = given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).body(product)
        .when().put("/api/products/{sku}", sku)
        .then().statusCode(201).header("Location", endsWith("/api/products/" + sku))
        .body("sku", is(sku), "price.amountMinor", is(29_000), "price.currency", is("KRW"), "event", is(true),
            "maxPerCustomer", is(2))
        .extract().header("ETag");

    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).header("If-Match", etag)
        .body(Map.of("name", "Earbuds", "price", Map.of("amountMinor", 25_000, "currency", "KRW"), "available", 3,
            "maxPerCustomer", 1))
        .when().put("/api/products/{sku}", sku)
        .then().statusCode(200).body("available", is(3), "price.amountMinor", is(25_000), "event", is(true),
            "maxPerCustomer", is(1));

    given().when().get("/api/products/{sku}", sku)
        .then().statusCode(200).contentType(ContentType.JSON).body("name", is("Earbuds"), "available", is(3));
  }

  @Test
  void replacingAProductNeedsTheTagItWasReadWithAndFailsWhenAnOrderTookStockMeanwhile() {
    String sku = PREFIX + "TAG";
    Api.putProduct(sku, 1_000, 10);
    String etag = given().get("/api/products/{sku}", sku).then().statusCode(200).extract().header("ETag");
    assertThat(etag).matches("\"[0-9a-f]{24}\"");
    var replacement = Map.of("name", "Tagged", "price", Map.of("amountMinor", 1_000, "currency", "KRW"),
        "available", 50);

    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).body(replacement)
        .put("/api/products/{sku}", sku).then().statusCode(428).header("ETag", etag)
        .body("type", endsWith("/precondition-required"));
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 3));
    String changed = given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).body(replacement)
        .header("If-Match", etag).put("/api/products/{sku}", sku).then().statusCode(412)
        .body("type", endsWith("/precondition-failed")).extract().header("ETag");
    assertThat(changed).isNotEqualTo(etag);
    assertThat(Api.available(sku)).as("nothing changed").isEqualTo(7);

    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).body(replacement)
        .header("If-Match", changed).put("/api/products/{sku}", sku).then().statusCode(200)
        .body("available", is(50));
  }

  @Test
  void stockAdjustmentsAddAndRemoveAtomicallyWhileOrdersTakeStock() throws Exception {
    String sku = PREFIX + "ADJ";
    Api.putProduct(sku, 1_000, 100);
    List<java.util.concurrent.Callable<Integer>> work = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      work.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 2)).status());
      work.add(() -> Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, UUID.randomUUID().toString(),
          "{\"delta\":5}").status());
    }

    var statuses = Api.concurrently(work);

    // contention may refuse some of either (503: the door, or the SKU's turn); every one done counts exactly
    assertThat(statuses).isSubsetOf(200, 201, 503);
    long placed = statuses.stream().filter(s -> s == 201).count();
    long adjusted = statuses.stream().filter(s -> s == 200).count();
    assertThat(placed + adjusted).isGreaterThan(20);
    int expected = (int) (100 - 2 * placed + 5 * adjusted);
    assertThat(Api.available(sku)).as("100 - 2 x orders placed + 5 x adjustments").isEqualTo(expected);
    String key = UUID.randomUUID().toString();
    Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, key, "{\"delta\":-10}");
    var replay = Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, key, "{\"delta\":-10}");
    assertThat(replay.status()).isEqualTo(200);
    assertThat(Api.available(sku)).as("a retried adjustment counts once").isEqualTo(expected - 10);
    var tooMuch = Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, UUID.randomUUID().toString(),
        "{\"delta\":" + -(expected - 10 + 1) + "}");
    assertThat(tooMuch.status()).isEqualTo(409);
    assertThat(tooMuch.body()).contains("stock-would-go-negative");
    assertThat(Api.available(sku)).isEqualTo(expected - 10);
    assertThat(Api.post("/api/products/" + PREFIX + "NOPE/stock-adjustments", Api.ADMIN,
        UUID.randomUUID().toString(), "{\"delta\":1}").status()).isEqualTo(404);
    assertThat(Api.post("/api/products/" + sku + "/stock-adjustments", LocalTokens.customer(Api.newCustomer()),
        UUID.randomUUID().toString(), "{\"delta\":1}").status()).isEqualTo(403);
  }

  @Test
  void stockNeverGoesAboveItsMaximumWhateverTheAdjustments() {
    String sku = PREFIX + "HUGE";
    Api.putProduct(sku, 1_000, 990);
    var first = Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, UUID.randomUUID().toString(),
        "{\"delta\":1000000000}");
    assertThat(first.status()).as(first.body()).isEqualTo(409);
    assertThat(first.body()).contains("stock-above-maximum");
    assertThat(Api.available(sku)).isEqualTo(990);
    var toTheMaximum = Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN,
        UUID.randomUUID().toString(), "{\"delta\":" + (1_000_000_000 - 990) + "}");
    assertThat(toTheMaximum.status()).as(toTheMaximum.body()).isEqualTo(200);
    // near the end of integer's range the sum is still compared, never overflowed into a 500
    for (int i = 0; i < 3; i++) {
      var more = Api.post("/api/products/" + sku + "/stock-adjustments", Api.ADMIN, UUID.randomUUID().toString(),
          "{\"delta\":1000000000}");
      assertThat(more.status()).as(more.body()).isEqualTo(409);
    }
    assertThat(Api.available(sku)).isEqualTo(1_000_000_000);
  }

  @Test
  void unknownProductIs404Problem() {
    given().when().get("/api/products/{sku}", PREFIX + "NONE")
        .then().statusCode(404).contentType(startsWith("application/problem+json")).body("status", is(404));
  }

  @Test
  void pagesWalkTheCatalogInSkuOrderWithoutGapsOrRepeats() {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String sku = PREFIX + "PAGE-" + i;
      Api.putProduct(sku, 1_000, 1);
      mine.add(sku);
    }

    List<String> all = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 1_000; page++) {
      var request = given().queryParam("limit", 3);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      var body = request.when().get("/api/products").then().statusCode(200).extract();
      List<String> skus = body.path("items.sku");
      assertThat(skus.size()).isLessThanOrEqualTo(3);
      all.addAll(skus);
      cursor = body.path("nextCursor");
      if (cursor == null) {
        break;
      }
    }

    assertThat(cursor).as("the walk reached the last page").isNull();
    assertThat(all).isSorted().doesNotHaveDuplicates();
    assertThat(all).containsSubsequence(mine);
  }

  @Test
  void pageParametersAreChecked() {
    given().queryParam("limit", 101).when().get("/api/products")
        .then().statusCode(400).contentType(startsWith("application/problem+json")).body("errors.field", contains("limit"));
    given().queryParam("limit", "ten").when().get("/api/products")
        .then().statusCode(400).body("errors.field", contains("limit"));
    given().queryParam("cursor", "%%%").when().get("/api/products")
        .then().statusCode(400).body("errors.field", contains("cursor"));
  }

  @Test
  void invalidProductsAreRefusedFieldByField() {
    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON)
        .body(Map.of("name", "", "price", Map.of("amountMinor", -1, "currency", "won"), "available", -5))
        .when().put("/api/products/{sku}", PREFIX + "BAD")
        .then().statusCode(400).contentType(startsWith("application/problem+json"))
        .body("errors.field", contains("available", "name", "price.amountMinor", "price.currency"));
    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON)
        .body(Map.of("name", "x", "price", Map.of("amountMinor", 1, "currency", "XYZ"), "available", 1))
        .when().put("/api/products/{sku}", PREFIX + "BAD")
        .then().statusCode(400).body("errors.field", contains("price.currency"));
    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON)
        .body(Map.of("name", "x", "price", Map.of("amountMinor", 1, "currency", "KRW"), "available", 1))
        .when().put("/api/products/{sku}", "bad sku!")
        .then().statusCode(400).body("errors.field", contains("sku"));
    // a NUL was a 500 (PostgreSQL stores none); an escape or a tab was stored and shown to every buyer
    for (String name : List.of("nul\u0000", "\u001b[31mred", "tab\there", "line\nbreak")) {
      given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON)
          .body(Map.of("name", name, "price", Map.of("amountMinor", 1, "currency", "KRW"), "available", 1))
          .when().put("/api/products/{sku}", PREFIX + "BAD")
          .then().statusCode(400).body("errors.field", contains("name"));
    }
    given().when().get("/api/products/{sku}", PREFIX + "BAD").then().statusCode(404);
  }

  @Test
  void onlyAdminsChangeTheCatalog() {
    var product = Map.of("name", "x", "price", Map.of("amountMinor", 1, "currency", "KRW"), "available", 1);
    given().contentType(ContentType.JSON).body(product).when().put("/api/products/{sku}", PREFIX + "AUTH")
        .then().statusCode(401).contentType(startsWith("application/problem+json"));
    given().auth().oauth2(LocalTokens.customer(Api.newCustomer())).contentType(ContentType.JSON).body(product)
        .when().put("/api/products/{sku}", PREFIX + "AUTH")
        .then().statusCode(403).contentType(startsWith("application/problem+json"));
    given().when().get("/api/products/{sku}", PREFIX + "AUTH").then().statusCode(404);
  }

  @Test
  void aNumberIsNotTakenForABoolean() {
    // http.StrictJson: "event": 7 was read as true
    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON)
        .body(Map.of("name", "x", "price", Map.of("amountMinor", 1, "currency", "KRW"), "available", 1, "event", 7))
        .when().put("/api/products/{sku}", PREFIX + "NUMBER-EVENT")
        .then().statusCode(400).body("errors.field", contains("event"));
  }
}
