package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With no release event at all (Redis down, say), a sold-out marker expires and the database is asked again. */
@QuarkusTest
class SoldOutStalenessTests {
  private static final String PREFIX = Api.prefix(SoldOutStalenessTests.class);

  @Test
  void stockThatCameBackUnannouncedIsSoldAfterTheMarkerExpires() throws Exception {
    String sku = PREFIX + "QUIET";
    Api.putProduct(sku, 1_000, 1);
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 1));
    TestDatabase.setAvailable(sku, 1);

    String buyer = LocalTokens.customer(Api.newCustomer());
    int attempts = 0;
    int status = 0;
    while (attempts++ < 60 && status != 201) {   // 60 tries 100 ms apart; the default marker TTL is 1 s
      status = Api.placeOrder(buyer, UUID.randomUUID().toString(), Api.lines(sku, 1)).extract().statusCode();
      assertThat(status).isIn(201, 409);
      if (status != 201) {
        Thread.sleep(100);
      }
    }
    assertThat(status).isEqualTo(201);
    assertThat(Api.available(sku)).isZero();
  }
}
