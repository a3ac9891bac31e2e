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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class OrderIdempotencyTests {
  private static final String PREFIX = Api.prefix(OrderIdempotencyTests.class);

  @Test
  void missingKeyIsRefusedAndCreatesNothing() throws Exception {
    String sku = PREFIX + "MISSING";
    Api.putProduct(sku, 1_000, 5);
    String customer = Api.newCustomer();

    Api.placeOrder(LocalTokens.customer(customer), null, Api.lines(sku, 1))
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("errors[0].field", is("Idempotency-Key"));

    assertThat(Api.available(sku)).isEqualTo(5);
    assertThat(TestDatabase.ordersOf(customer)).isZero();
  }

  @Test
  void sameKeyAndBodyReplaysTheFirstResponse() {
    String sku = PREFIX + "REPLAY";
    Api.putProduct(sku, 2_500, 5);
    String token = LocalTokens.customer(Api.newCustomer());
    String key = UUID.randomUUID().toString();

    var first = Api.placeOrder(token, key, Api.lines(sku, 2)).statusCode(201)
        .header("Location", notNullValue()).extract();
    // the same order written differently (spacing) is the same request
    var again = Api.placeOrder(token, key, "{ \"lines\" : [ {\"quantity\":2, \"sku\":\"" + sku + "\"} ] }")
        .statusCode(201).header("Idempotent-Replayed", "true").extract();

    assertThat(again.body().asString()).isEqualTo(first.body().asString());
    assertThat(again.header("Location")).isEqualTo(first.header("Location")).endsWith("/api/orders/" + first.path("id"));
    assertThat(Api.available(sku)).as("stock reserved once").isEqualTo(3);
  }

  @Test
  void sameKeyWithAnotherBodyIs422() {
    String sku = PREFIX + "MISMATCH";
    Api.putProduct(sku, 1_000, 5);
    String token = LocalTokens.customer(Api.newCustomer());
    String key = UUID.randomUUID().toString();
    Api.placeOrder(token, key, Api.lines(sku, 1)).statusCode(201);

    Api.placeOrder(token, key, Api.lines(sku, 2))
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("type", endsWith("/idempotency-key-reused"));
    assertThat(Api.available(sku)).isEqualTo(4);
  }

  @Test
  void keysAreScopedPerCustomer() {
    String sku = PREFIX + "SCOPED";
    Api.putProduct(sku, 1_000, 5);
    String key = UUID.randomUUID().toString();

    String first = Api.placeOrder(LocalTokens.customer(Api.newCustomer()), key, Api.lines(sku, 1))
        .statusCode(201).extract().path("id");
    String second = Api.placeOrder(LocalTokens.customer(Api.newCustomer()), key, Api.lines(sku, 1))
        .statusCode(201).extract().path("id");

    assertThat(second).isNotEqualTo(first);
    assertThat(Api.available(sku)).isEqualTo(3);
  }

  @Test
  void sameKeyWhileTheFirstIsStillRunningIs409() throws Exception {
    String sku = PREFIX + "INFLIGHT";
    Api.putProduct(sku, 1_000, 5);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    String key = UUID.randomUUID().toString();
    String body = Api.lines(sku, 1);

    // Hold the stock row as a reservation would (no key update), so the first request waits at its stock update,
    // inside its transaction, holding its key.
    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select available from product where sku = '" + sku + "' for no key update");
      var first = CompletableFuture.supplyAsync(() -> Api.post("/api/orders", token, key, body));
      TestDatabase.awaitLockWaiters(1);

      var second = Api.post("/api/orders", token, key, body);
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.body()).contains("idempotency-key-in-flight");

      db.rollback();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
    }
    Api.placeOrder(token, key, body).statusCode(201).header("Idempotent-Replayed", "true");
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(1);
    assertThat(Api.available(sku)).isEqualTo(4);
  }

  @Test
  void concurrentRequestsWithOneKeyCreateExactlyOneOrder() throws Exception {
    String sku = PREFIX + "RACE";
    Api.putProduct(sku, 1_000, 50);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);
    String key = UUID.randomUUID().toString();
    String body = Api.lines(sku, 1);

    List<Callable<Api.Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(() -> Api.post("/api/orders", token, key, body));
    }
    var replies = Api.concurrently(calls);

    assertThat(replies).extracting(Api.Reply::status).allSatisfy(s -> assertThat(s).isIn(201, 409)).contains(201);
    var ids = replies.stream().filter(r -> r.status() == 201)
        .map(r -> r.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(TestDatabase.ordersOf(customer)).isEqualTo(1);
    assertThat(Api.available(sku)).isEqualTo(49);
  }
}
