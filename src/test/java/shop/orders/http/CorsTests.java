package shop.orders.http;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** The storefront's origin (STOREFRONT_ORIGINS, http://localhost:3000 by default) may call the API from a browser. */
@QuarkusTest
class CorsTests {

  @Test
  void theStorefrontMayPlaceOrdersFromTheBrowser() {
    given().header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
        .when().options("/api/orders")
        .then().statusCode(200)
        .header("Access-Control-Allow-Origin", is("http://localhost:3000"))
        .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"));
  }

  @Test
  void otherOriginsAreNotAllowed() {
    given().header("Origin", "https://evil.example")
        .when().get("/api/products")
        .then().header("Access-Control-Allow-Origin", nullValue());
  }
}
