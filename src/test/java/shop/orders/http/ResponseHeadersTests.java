package shop.orders.http;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * What every answer tells browsers and caches: no content sniffing, nothing about a customer's orders, payments or
 * cart stored anywhere, and that answers vary by the caller's origin (CORS).
 */
@QuarkusTest
class ResponseHeadersTests {
  @Test
  void aCustomersOrdersAreNeverStoredAndNeverSniffed() {
    String token = LocalTokens.customer(Api.newCustomer());
    given().auth().oauth2(token).when().get("/api/orders").then().statusCode(200)
        .header("X-Content-Type-Options", is("nosniff")).header("Cache-Control", is("no-store"))
        .header("Vary", containsString("Origin"));
    given().auth().oauth2(token).when().get("/api/cart").then()
        .header("X-Content-Type-Options", is("nosniff")).header("Cache-Control", is("no-store"));
    // a problem about them too
    given().when().get("/api/orders").then().statusCode(401)
        .header("X-Content-Type-Options", is("nosniff")).header("Cache-Control", is("no-store"));
  }

  @Test
  void theCatalogIsNotSniffedButMayBeCached() {
    given().when().get("/api/products?limit=1").then().statusCode(200)
        .header("X-Content-Type-Options", is("nosniff"))
        .header("Cache-Control", not(is("no-store")))
        .header("Vary", containsString("Origin"));
  }
}
