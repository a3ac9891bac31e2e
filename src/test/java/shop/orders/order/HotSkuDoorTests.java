package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buyers waiting for their turn on a hot SKU hold no connection, so they do not hold a place at the door either:
 * with 3 places and one hot-SKU order stuck in the database, the others waiting behind it leave room for an order
 * for another SKU; and beyond the SKU's short queue a buyer is refused at once.
 */
@QuarkusTest
@TestProfile(HotSkuDoorTests.ThreePlaces.class)
class HotSkuDoorTests {
  private static final int HOT_BUYERS = 6;

  public static class ThreePlaces implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.jdbc.min-size", "0", "quarkus.datasource.jdbc.max-size", "5",
          "admission.reserve-for-payments", "2", "admission.max-queue", "0",
          "catalog.hot-sku.max-in-flight", "1", "catalog.hot-sku.max-wait", "PT15S", "catalog.hot-sku.max-waiting", "2",
          "quarkus.datasource.jdbc.new-connection-sql", "SET lock_timeout = '20s'", "catalog.hot-sku.lock-wait", "PT20S");
    }
  }

  @Test
  void buyersWaitingForAHotSkuLeaveTheDoorToOtherOrders() throws Exception {
    String prefix = Api.prefix(HotSkuDoorTests.class);
    String hot = prefix + "HOT";
    String other = prefix + "OTHER";
    Api.putProduct(hot, 1_000, HOT_BUYERS);
    Api.putProduct(other, 1_000, 1);

    List<Api.Reply> hotReplies;
    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select 1 from product where sku = '" + hot + "' for no key update");
      List<Callable<Api.Reply>> buyers = new ArrayList<>();
      for (int i = 0; i < HOT_BUYERS; i++) {
        String token = LocalTokens.customer(Api.newCustomer());
        buyers.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(hot, 1)));
      }
      var burst = Api.burst(buyers);
      TestDatabase.awaitLockWaiters(1);
      awaitPlacesInUse(1);

      Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(other, 1))
          .statusCode(201);
      // Two already wait for the hot SKU (its queue is 2): one more is refused at once, not parked on a thread.
      Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(hot, 1))
          .statusCode(503).header("Retry-After", "1").body("type", org.hamcrest.Matchers.endsWith("/sku-busy"));

      db.rollback();
      hotReplies = burst.get(60, TimeUnit.SECONDS);
    }
    // Those the door could not take at all were refused at once (no queue here); the admitted ones all sold.
    assertThat(hotReplies).extracting(Api.Reply::status).contains(201).allSatisfy(s -> assertThat(s).isIn(201, 503));
    long sold = hotReplies.stream().filter(r -> r.status() == 201).count();
    assertThat(Api.available(hot)).isEqualTo(HOT_BUYERS - (int) sold);
  }

  /** The admission_in_flight gauge: only the order stuck in the database keeps its place. */
  private static void awaitPlacesInUse(int places) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (Metrics.sum("admission_in_flight") == places) {
        Thread.sleep(200); // the other buyers are then parked at the SKU's gate
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("admission places in use never dropped to " + places);
  }
}
