package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/**
 * One customer cannot hold a whole event's stock: a product's {@code maxPerCustomer} (event products default to 2)
 * bounds what one customer holds in orders awaiting payment or paid, and racing orders of one customer cannot pass
 * it together.
 */
@QuarkusTest
class PurchaseLimitTests {
  private static final String PREFIX = Api.prefix(PurchaseLimitTests.class);

  private static void product(String sku, int available, boolean event, Integer maxPerCustomer) {
    var body = new HashMap<String, Object>(Map.of("name", "Limited " + sku,
        "price", Map.of("amountMinor", 10_000, "currency", "KRW"), "available", available, "event", event));
    if (maxPerCustomer != null) {
      body.put("maxPerCustomer", maxPerCustomer);
    }
    given().auth().oauth2(Api.ADMIN).contentType(ContentType.JSON).body(body).put("/api/products/{sku}", sku)
        .then().statusCode(201);
  }

  private static String customerId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void twentySimultaneousOrdersOfOneCustomerGetAtMostTheLimit() throws Exception {
    String sku = PREFIX + "RACE";
    product(sku, 100, true, 2);
    String customer = customerId("racer");
    String token = LocalTokens.customer(customer);
    List<Callable<Api.Reply>> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      orders.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 1)));
    }

    var replies = Api.concurrently(orders);

    assertThat(replies.stream().filter(r -> r.status() == 201)).hasSize(2);
    assertThat(replies.stream().filter(r -> r.status() != 201))
        .allSatisfy(r -> assertThat(r.body()).contains("/purchase-limit").contains(sku).contains("\"limit\":2"));
    assertThat(TestDatabase.count("""
        select coalesce(sum(l.quantity), 0) from order_line l join customer_order o on o.id = l.order_id
        where o.customer_id = ? and l.sku = ?""", customer, sku)).isEqualTo(2);
    assertThat(Api.available(sku)).isEqualTo(98);
  }

  @Test
  void anEventProductWithoutItsOwnLimitAllowsTwoAndACancelGivesRoomBack() {
    String sku = PREFIX + "EVENT";
    product(sku, 100, true, null);
    given().get("/api/products/{sku}", sku).then().body("maxPerCustomer", is(2));
    String token = LocalTokens.customer(customerId("buyer"));

    Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 3)).statusCode(409)
        .body("type", endsWith("/purchase-limit"), "sku", is(sku), "limit", is(2), "held", is(0));
    String first = Api.placedOrderId(token, Api.lines(sku, 2));
    Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 1)).statusCode(409)
        .body("held", is(2));
    // another customer is not limited by this one
    Api.placedOrderId(LocalTokens.customer(customerId("other")), Api.lines(sku, 2));

    given().auth().oauth2(token).post("/api/orders/{id}/cancel", first).then().statusCode(200);
    Api.placedOrderId(token, Api.lines(sku, 1));
    assertThat(Api.available(sku)).isEqualTo(97);
  }

  @Test
  void productsThatAreNotEventsHaveNoLimitUnlessAnAdminSetsOne() {
    String plain = PREFIX + "PLAIN";
    String capped = PREFIX + "CAPPED";
    product(plain, 500, false, null);
    product(capped, 500, false, 5);
    String token = LocalTokens.customer(customerId("bulk"));

    Api.placedOrderId(token, Api.lines(plain, 100));
    Api.placedOrderId(token, Api.lines(plain, 100, capped, 5));
    Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(plain, 1, capped, 1)).statusCode(409)
        .body("sku", is(capped), "limit", is(5), "held", is(5));
    assertThat(Api.available(plain)).isEqualTo(300);
  }

  @Test
  void theContractDocumentsLimitsAndStockChanges() {
    String openapi = Metrics.management().get("/q/openapi").then().statusCode(200).extract().asString();
    assertThat(openapi).contains("maxPerCustomer", "purchase-limit", "/api/products/{sku}/stock-adjustments",
        "If-Match");
  }
}
