package shop.orders.security;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.security.KeyPairGenerator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class AuthTests {

  private static void refused(String token) {
    var request = given();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.when().get("/api/orders")
        .then().statusCode(401)
        .header("WWW-Authenticate", startsWith("Bearer"))
        .contentType(startsWith("application/problem+json"))
        .body("status", is(401), "type", endsWith("/unauthenticated"));
  }

  @Test
  void noTokenIs401() {
    refused(null);
  }

  @Test
  void garbageTokenIs401() {
    refused("not.a.token");
  }

  @Test
  void expiredTokenIs401() {
    refused(LocalTokens.expired(Api.newCustomer()));
  }

  @Test
  void tokenFromAnotherIssuerIs401() {
    refused(LocalTokens.fromIssuer(Api.newCustomer(), "https://someone-else.example"));
  }

  @Test
  void tokenSignedWithAnotherKeyIs401() throws Exception {
    var generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    refused(LocalTokens.sign(Api.newCustomer(), false, 3600, generator.generateKeyPair().getPrivate(),
        LocalTokens.ISSUER));
  }

  @Test
  void tokenForAnotherApplicationIs401() {
    refused(LocalTokens.forAudience(Api.newCustomer(), "other-api"));
  }

  @Test
  void tokenIssuedForLongerThanAnHourIs401() {
    refused(LocalTokens.withLifetime(Api.newCustomer(), 10L * 365 * 24 * 3600));
    refused(LocalTokens.withLifetime(Api.newCustomer(), 3600 + 60));
  }

  @Test
  void tokenWhoseSubjectCannotBeACustomerIdIs401NotA500() {
    String tooLong = "c".repeat(200);
    given().auth().oauth2(LocalTokens.customer(tooLong)).contentType("application/json")
        .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
        .body(Api.lines("AUTH-NO-SUCH-SKU", 1))
        .when().post("/api/orders")
        .then().statusCode(401).contentType(startsWith("application/problem+json"))
        .body("type", endsWith("/unauthenticated"));
    refused(LocalTokens.customer(tooLong));
    refused(LocalTokens.customer("has space"));
  }

  @Test
  void tokenIssuedInTheFutureBeyondTheSkewIs401() {
    refused(LocalTokens.issuedIn(Api.newCustomer(), 50 * 60));
    refused(LocalTokens.issuedIn(Api.newCustomer(), 120));
    // within the clocks' skew it is fine
    given().auth().oauth2(LocalTokens.issuedIn(Api.newCustomer(), 30)).when().get("/api/orders").then().statusCode(200);
  }

  @Test
  void validCustomerTokenIsAccepted() {
    given().auth().oauth2(LocalTokens.customer(Api.newCustomer())).when().get("/api/orders").then().statusCode(200);
    given().auth().oauth2(LocalTokens.customer("c".repeat(128))).when().get("/api/orders").then().statusCode(200);
  }

  @Test
  void customerOnAnAdminEndpointIs403() {
    given().auth().oauth2(LocalTokens.customer(Api.newCustomer())).contentType("application/json")
        .body("{\"name\":\"x\",\"price\":{\"amountMinor\":1,\"currency\":\"KRW\"},\"available\":1}")
        .when().put("/api/products/AUTH-403")
        .then().statusCode(403).contentType(startsWith("application/problem+json")).body("status", is(403));
  }
}
