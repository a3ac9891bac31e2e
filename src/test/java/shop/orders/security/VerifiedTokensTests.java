package shop.orders.security;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;

import java.security.KeyPairGenerator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token verified once is not verified again until it expires; past its exp it is verified again; a token that
 * fails verification is refused every time (never cached), and one differing from a cached token in its signature
 * alone is another token.
 */
@QuarkusTest
class VerifiedTokensTests {
  private static double tokens(String result) {
    return Metrics.sum("auth_token_cache_requests_total", "result=\"" + result + "\"");
  }

  @Test
  void aVerifiedTokenIsTakenFromTheCacheOnItsNextRequests() {
    String token = LocalTokens.customer(Api.newCustomer());
    double misses = tokens("miss");
    double hits = tokens("hit");
    for (int i = 0; i < 3; i++) {
      given().auth().oauth2(token).get("/api/orders").then().statusCode(200);
    }
    assertThat(tokens("miss") - misses).isEqualTo(1);
    assertThat(tokens("hit") - hits).isEqualTo(2);
  }

  /**
   * Past its exp a token is verified again, not taken from the cache (the verifier then applies its own rules: here
   * mp.jwt.verify.clock.skew, 60 s, still accepts it, and an expired token is refused in AuthTests).
   */
  @Test
  void aCachedTokenIsVerifiedAgainOnceItExpired() throws Exception {
    String token = LocalTokens.withLifetime(Api.newCustomer(), 2);
    double misses = tokens("miss");
    double hits = tokens("hit");
    given().auth().oauth2(token).get("/api/orders").then().statusCode(200);
    given().auth().oauth2(token).get("/api/orders").then().statusCode(200);
    assertThat(tokens("hit") - hits).as("before its exp").isEqualTo(1);
    Thread.sleep(3_000);
    given().auth().oauth2(token).get("/api/orders").then().statusCode(200);
    assertThat(tokens("hit") - hits).as("after its exp: no hit").isEqualTo(1);
    assertThat(tokens("miss") - misses).isEqualTo(2);
  }

  @Test
  void aTokenThatFailedIsRefusedEveryTimeAndAForgedSignatureIsAnotherToken() throws Exception {
    String customer = Api.newCustomer();
    String good = LocalTokens.customer(customer);
    given().auth().oauth2(good).get("/api/orders").then().statusCode(200);

    var otherKey = KeyPairGenerator.getInstance("RSA");
    otherKey.initialize(2048);
    String forged = LocalTokens.sign(customer, true, 3600, otherKey.generateKeyPair().getPrivate(),
        LocalTokens.ISSUER);
    // the cached token's header and claims with another signature: not the cached token
    String sameClaimsOtherSignature = good.substring(0, good.lastIndexOf('.') + 1)
        + forged.substring(forged.lastIndexOf('.') + 1);
    for (int i = 0; i < 2; i++) {
      given().auth().oauth2(forged).get("/api/orders").then().statusCode(401);
      given().auth().oauth2(sameClaimsOtherSignature).get("/api/orders").then().statusCode(401);
    }
  }
}
