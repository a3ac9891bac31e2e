package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class OrderLifecycleTests {
  private static final String PREFIX = Api.prefix(OrderLifecycleTests.class);

  @Inject
  OrderExpiryJob expiry;
  @Inject
  OrderConfig config;

  @Test
  void cancelReleasesExactlyTheReservedStockOnce() {
    String a = PREFIX + "CANCEL-A";
    String b = PREFIX + "CANCEL-B";
    Api.putProduct(a, 1_000, 10);
    Api.putProduct(b, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(token, Api.lines(a, 3, b, 2));
    String other = Api.placedOrderId(token, Api.lines(a, 1));
    assertThat(Api.available(a)).isEqualTo(6);

    given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id)
        .then().statusCode(200).body("status", is("CANCELLED"));
    assertThat(Api.available(a)).isEqualTo(9);
    assertThat(Api.available(b)).isEqualTo(10);

    given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id)
        .then().statusCode(200).body("status", is("CANCELLED"));
    assertThat(Api.available(a)).as("a repeated cancel releases nothing").isEqualTo(9);
    given().auth().oauth2(token).when().get("/api/orders/{id}", other)
        .then().statusCode(200).body("status", is("PENDING_PAYMENT"));
  }

  @Test
  void expiryReleasesStockOfUnpaidOrdersPastTheirWindowOnly() {
    String sku = PREFIX + "EXPIRE";
    Api.putProduct(sku, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(token, Api.lines(sku, 4));
    assertThat(Api.available(sku)).isEqualTo(6);

    expiry.expireDue(Instant.now().plus(config.paymentWindow()).minus(Duration.ofMinutes(1)));
    given().auth().oauth2(token).when().get("/api/orders/{id}", id)
        .then().statusCode(200).body("status", is("PENDING_PAYMENT"));
    assertThat(Api.available(sku)).isEqualTo(6);

    assertThat(expiry.expireDue(Instant.now().plus(config.paymentWindow()).plusSeconds(1))).isPositive();
    given().auth().oauth2(token).when().get("/api/orders/{id}", id)
        .then().statusCode(200).body("status", is("EXPIRED"));
    assertThat(Api.available(sku)).isEqualTo(10);

    expiry.expireDue(Instant.now().plus(config.paymentWindow()).plusSeconds(1));
    assertThat(Api.available(sku)).as("an expired order is released once").isEqualTo(10);

    given().auth().oauth2(token).when().post("/api/orders/{id}/cancel", id)
        .then().statusCode(409).body("type", endsWith("/order-state-conflict"), "orderStatus", is("EXPIRED"));
    assertThat(Api.available(sku)).isEqualTo(10);
  }
}
