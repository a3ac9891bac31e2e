package shop.orders.order;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
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

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/**
 * A flash-sale SKU. Sold-out markers are trusted for 30 s here, so whatever lets a buyer in quickly after stock
 * came back is the release path under test, not the marker's expiry.
 */
@QuarkusTest
@TestProfile(HotSkuTests.LongMarkers.class)
class HotSkuTests {
  private static final String PREFIX = Api.prefix(HotSkuTests.class);

  public static class LongMarkers implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("catalog.sold-out.ttl", "PT30S");
    }
  }

  @Inject
  MeterRegistry metrics;
  @Inject
  RedisDataSource redis;

  /**
   * A burst on 2 shared cores can time out enough sold-out lookups to open their Redis breaker (then the database
   * decides, as designed). Each test starts with it closed: orders for a sold-out spare SKU make the lookups that
   * close it (refused 409 at the door, or by the database while the marker is not yet set).
   */
  @BeforeEach
  void soldOutLookupsGoToRedis() throws Exception {
    String spare = PREFIX + "SPARE";
    Api.putProduct(spare, 1_000, 0);
    for (int i = 0; i < 50; i++) {
      if ("CLOSED".equals(Metrics.management().get("/q/health/group/redis").jsonPath()
          .getString("checks[0].data.orderKeysBreaker"))) {
        return;
      }
      Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(spare, 1))
          .statusCode(409);
      Thread.sleep(200);
    }
    throw new AssertionError("the sold-out lookups' Redis breaker did not close within 10 s");
  }

  @Test
  void threeHundredBuyersForTwentyUnitsGetExactlyTwentyOrdersAndFastHonestRefusals() throws Exception {
    String sku = PREFIX + "DROP";
    Api.putProduct(sku, 199_000, 20);
    List<Callable<Api.Reply>> buyers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      buyers.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 1)));
    }

    var replies = Api.concurrently(buyers);

    assertThat(replies.stream().filter(r -> r.status() == 201)).hasSize(20);
    assertThat(replies).extracting(Api.Reply::status).allSatisfy(s -> assertThat(s).isIn(201, 409, 503));
    assertThat(replies.stream().filter(r -> r.status() == 503))
        .allSatisfy(r -> assertThat(r.retryAfter()).isNotNull());
    assertThat(replies.stream().filter(r -> r.status() == 409))
        .allSatisfy(r -> assertThat(r.body()).contains("out-of-stock").contains(sku));
    assertThat(Api.available(sku)).isZero();
    assertThat(TestDatabase.count("""
        select count(*) from order_line l join customer_order o on o.id = l.order_id where l.sku = ?""", sku))
        .isEqualTo(20);
  }

  @Test
  void afterSellOutFurtherOrdersOpenNoTransaction() {
    String sku = PREFIX + "GONE";
    Api.putProduct(sku, 1_000, 1);
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 1));
    double transactionsBefore = counter("orders.place.transactions");
    double shortCircuitsBefore = counter("orders.sold_out.short_circuit");

    for (int i = 0; i < 30; i++) {
      Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 1))
          .statusCode(409).body("type", endsWith("/out-of-stock"), "shortages[0].sku", is(sku),
              "shortages[0].available", is(0));
    }

    assertThat(counter("orders.place.transactions") - transactionsBefore).isZero();
    assertThat(metrics.get("orders.placed").tag("outcome", "out-of-stock").counter().count()).isGreaterThanOrEqualTo(30);
    assertThat(counter("orders.sold_out.short_circuit") - shortCircuitsBefore).isEqualTo(30);
  }

  @Test
  void aRetryOfTheOrderThatTookTheLastUnitIsReplayedNotRefused() {
    String sku = PREFIX + "LAST";
    Api.putProduct(sku, 1_000, 1);
    String token = LocalTokens.customer(Api.newCustomer());
    String key = UUID.randomUUID().toString();
    String id = Api.placeOrder(token, key, Api.lines(sku, 1)).statusCode(201).extract().path("id");

    Api.placeOrder(token, key, Api.lines(sku, 1))
        .statusCode(201).header("Idempotent-Replayed", "true").body("id", is(id));
  }

  @Test
  void aCancelLetsTheNextBuyerInAtOnce() {
    String sku = PREFIX + "BACK";
    Api.putProduct(sku, 1_000, 1);
    String owner = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(owner, Api.lines(sku, 1));
    String next = LocalTokens.customer(Api.newCustomer());
    Api.placeOrder(next, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(409);

    given().auth().oauth2(owner).when().post("/api/orders/{id}/cancel", id).then().statusCode(200);

    Api.placeOrder(next, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(201);
  }

  @Test
  void anAdminRaisingStockClearsTheMarker() {
    String sku = PREFIX + "RESTOCK";
    Api.putProduct(sku, 1_000, 1);
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 1));
    String buyer = LocalTokens.customer(Api.newCustomer());
    Api.placeOrder(buyer, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(409);

    Api.putProduct(sku, 1_000, 5);

    Api.placeOrder(buyer, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(201);
  }

  @Test
  void aReleaseAnnouncedByAnotherInstanceClearsTheMarker() throws Exception {
    String sku = PREFIX + "ELSEWHERE";
    Api.putProduct(sku, 1_000, 1);
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(sku, 1));
    String buyer = LocalTokens.customer(Api.newCustomer());
    // Another instance gives the unit back: the database changes, this instance hears of it only through Redis.
    TestDatabase.setAvailable(sku, 1);
    Api.placeOrder(buyer, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(409);

    redis.pubsub(String.class).publish(ConfigProvider.getConfig().getValue("redis.key-prefix", String.class) + "stock-released", sku);
    awaitMarkerCleared(sku, buyer);
  }

  /** Pub/sub delivery is asynchronous: a few tries, 50 ms apart, well inside the 30 s marker TTL. */
  private static void awaitMarkerCleared(String sku, String buyer) throws InterruptedException {
    for (int i = 0; i < 20; i++) {
      int status = Api.placeOrder(buyer, UUID.randomUUID().toString(), Api.lines(sku, 1)).extract().statusCode();
      if (status == 201) {
        return;
      }
      assertThat(status).isEqualTo(409);
      Thread.sleep(50);
    }
    throw new AssertionError("the release announced on Redis never cleared the marker of " + sku);
  }

  private double counter(String name) {
    return metrics.get(name).counter().count();
  }
}
