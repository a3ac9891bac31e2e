package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class OrderAccessTests {
  private static final String PREFIX = Api.prefix(OrderAccessTests.class);

  @Test
  void anotherCustomersOrderIsNotFoundForReadAndCancel() {
    String sku = PREFIX + "PRIVATE";
    Api.putProduct(sku, 1_000, 5);
    String owner = LocalTokens.customer(Api.newCustomer());
    String stranger = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(owner, Api.lines(sku, 1));

    given().auth().oauth2(stranger).when().get("/api/orders/{id}", id)
        .then().statusCode(404).contentType(startsWith("application/problem+json"));
    given().auth().oauth2(stranger).when().post("/api/orders/{id}/cancel", id)
        .then().statusCode(404).contentType(startsWith("application/problem+json"));
    // indistinguishable from an id that does not exist
    given().auth().oauth2(stranger).when().get("/api/orders/{id}", UUID.randomUUID())
        .then().statusCode(404);
    given().auth().oauth2(stranger).when().get("/api/orders/{id}", "not-a-uuid")
        .then().statusCode(404);

    given().auth().oauth2(owner).when().get("/api/orders/{id}", id)
        .then().statusCode(200).body("status", is("PENDING_PAYMENT"));
    given().auth().oauth2(Api.ADMIN).when().get("/api/orders/{id}", id)
        .then().statusCode(200).body("id", is(id));
    assertThat(Api.available(sku)).as("the stranger's cancel released nothing").isEqualTo(4);
  }

  @Test
  void aPathIdThatIsNoIdIsNotRepeatedInTheAnswer() {
    String token = LocalTokens.customer(Api.newCustomer());
    for (String id : List.of("not-a-uuid\u0000", "\u001b[31m", "x".repeat(3_000))) {
      given().auth().oauth2(token).when().get("/api/orders/{id}", id)
          .then().statusCode(404).contentType(startsWith("application/problem+json"))
          .body("detail", is("Order does not exist"));
      given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id)
          .then().statusCode(404).body("detail", is("Order does not exist"));
    }
  }

  @Test
  void listShowsOnlyOwnOrdersNewestFirstPageByPage() {
    String sku = PREFIX + "LISTED";
    Api.putProduct(sku, 1_000, 100);
    String token = LocalTokens.customer(Api.newCustomer());
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      placed.add(Api.placedOrderId(token, Api.lines(sku, 1)));
    }
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 1));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 10; page++) {
      var request = given().auth().oauth2(token).queryParam("limit", 2);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      var body = request.when().get("/api/orders").then().statusCode(200).contentType(ContentType.JSON).extract();
      seen.addAll(body.path("items.id"));
      cursor = body.path("nextCursor");
      if (cursor == null) {
        break;
      }
    }

    assertThat(seen).containsExactlyElementsOf(placed.reversed());
  }

  @Test
  void anEmptyListHasNoNextPage() {
    given().auth().oauth2(LocalTokens.customer(Api.newCustomer())).when().get("/api/orders")
        .then().statusCode(200).body("items.size()", is(0), "nextCursor", nullValue());
  }
}
