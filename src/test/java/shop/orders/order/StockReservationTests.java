package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class StockReservationTests {
  private static final String PREFIX = Api.prefix(StockReservationTests.class);

  @Test
  void fiftyBuyersForTenUnitsGetExactlyTenOrders() throws Exception {
    String sku = PREFIX + "HOT";
    Api.putProduct(sku, 9_900, 10);
    List<Callable<Api.Reply>> buyers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      buyers.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 1)));
    }

    var replies = Api.concurrently(buyers);

    assertThat(replies.stream().filter(r -> r.status() == 201)).hasSize(10);
    assertThat(replies.stream().filter(r -> r.status() == 409))
        .hasSize(40)
        .allSatisfy(r -> assertThat(r.body()).contains("out-of-stock").contains(sku));
    assertThat(Api.available(sku)).isZero();
    assertThat(TestDatabase.count("""
        select coalesce(sum(l.quantity), 0) from order_line l join customer_order o on o.id = l.order_id
        where l.sku = ? and o.status = 'PENDING_PAYMENT'""", sku)).isEqualTo(10);
  }

  @Test
  void anOrderThatWouldEmptyASkuButRollsBackLeavesItBuyable() {
    String last = PREFIX + "A-LAST";
    String scarce = PREFIX + "B-NONE";
    Api.putProduct(last, 1_000, 1);
    Api.putProduct(scarce, 1_000, 1);

    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(last, 1, scarce, 2))
        .statusCode(409).body("type", endsWith("/out-of-stock"), "skus", contains(scarce),
            "shortages.sku", contains(scarce), "shortages.available", contains(1));

    assertThat(Api.available(last)).isEqualTo(1);
    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(last, 1))
        .statusCode(201);
    assertThat(Api.available(last)).isZero();
  }

  @Test
  void anOrderShortOnItsSecondLineReservesNothing() throws Exception {
    String plenty = PREFIX + "A-PLENTY";
    String scarce = PREFIX + "B-SCARCE";
    Api.putProduct(plenty, 1_000, 10);
    Api.putProduct(scarce, 1_000, 1);
    String customer = Api.newCustomer();

    Api.placeOrder(LocalTokens.customer(customer), UUID.randomUUID().toString(), Api.lines(plenty, 3, scarce, 2))
        .statusCode(409)
        .contentType(startsWith("application/problem+json"))
        .body("type", endsWith("/out-of-stock"), "skus", contains(scarce), "shortages.available", contains(1));

    assertThat(Api.available(plenty)).isEqualTo(10);
    assertThat(Api.available(scarce)).isEqualTo(1);
    assertThat(TestDatabase.ordersOf(customer)).isZero();
  }

  @Test
  void unknownSkuIs422NamingItAndReservesNothing() throws Exception {
    String known = PREFIX + "KNOWN";
    String unknown = PREFIX + "NO-SUCH";
    Api.putProduct(known, 1_000, 10);
    String customer = Api.newCustomer();

    Api.placeOrder(LocalTokens.customer(customer), UUID.randomUUID().toString(), Api.lines(known, 1, unknown, 1))
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("type", endsWith("/unknown-sku"), "skus", contains(unknown), "errors[0].field", is("sku"));

    assertThat(Api.available(known)).isEqualTo(10);
    assertThat(TestDatabase.ordersOf(customer)).isZero();
  }

  @Test
  void opposingMultiLineOrdersDoNotDeadlock() throws Exception {
    String a = PREFIX + "DL-A";
    String b = PREFIX + "DL-B";
    Api.putProduct(a, 1_000, 1_000);
    Api.putProduct(b, 1_000, 1_000);
    List<Callable<Api.Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      String body = i % 2 == 0 ? Api.lines(a, 1, b, 1) : Api.lines(b, 1, a, 1);
      calls.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), body));
    }

    assertThat(Api.concurrently(calls)).extracting(Api.Reply::status).containsOnly(201);
    assertThat(Api.available(a)).isEqualTo(960);
    assertThat(Api.available(b)).isEqualTo(960);
  }

  @Test
  void theOrderIsPricedFromTheCatalog() {
    String sku = PREFIX + "PRICED";
    Api.putProduct(sku, 12_900, 10);

    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 3))
        .statusCode(201)
        .body("status", is("PENDING_PAYMENT"),
            "lines[0].unitPrice.amountMinor", is(12_900),
            "lines[0].lineTotal.amountMinor", is(38_700),
            "total.amountMinor", is(38_700),
            "total.currency", is("KRW"));
  }
}
