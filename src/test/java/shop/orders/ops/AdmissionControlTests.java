package shop.orders.ops;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.common.Api;
import shop.orders.common.LocalTokens;
import shop.orders.common.TestDatabase;
import shop.orders.payment.PaymentGatewayWireMock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The incident's saturation on purpose: a pool of 5 (3 places for orders and reads, 2 kept for payments) and the
 * database held up by a lock. Excess orders are refused at the door with 503 + Retry-After instead of waiting for
 * a connection; a payment still gets through; releasing the lock restores service without a restart.
 */
@QuarkusTest
@TestProfile(AdmissionControlTests.SmallPool.class)
@WithTestResource(PaymentGatewayWireMock.class)
class AdmissionControlTests {
  private static final int BUYERS = 100;

  public static class SmallPool implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.jdbc.min-size", "0", "quarkus.datasource.jdbc.max-size", "5",
          "admission.reserve-for-payments", "2", "admission.max-wait", "PT0.05S",
          // the held lock must outlast the test's burst, not end it
          "quarkus.datasource.jdbc.new-connection-sql", "SET lock_timeout = '20s'");
    }
  }

  @Test
  void aSaturatedServiceRefusesAtTheDoorAndStillTakesPayments() throws Exception {
    String prefix = Api.prefix(AdmissionControlTests.class);
    String held = prefix + "HELD";
    Api.putProduct(held, 1_000, BUYERS);
    Api.putProduct(prefix + "PAY", 1_000, 5);
    String payer = LocalTokens.customer(Api.newCustomer());
    String toPay = Api.placedOrderId(payer, Api.lines(prefix + "PAY", 1));
    PaymentGatewayWireMock.gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}")));

    List<Api.Reply> replies;
    try (var db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      db.createStatement().execute("select 1 from product where sku = '" + held + "' for no key update");
      List<Callable<Api.Reply>> buyers = new ArrayList<>();
      for (int i = 0; i < BUYERS; i++) {
        String token = LocalTokens.customer(Api.newCustomer());
        buyers.add(() -> Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(held, 1)));
      }
      var burst = CompletableFuture.supplyAsync(() -> {
        try {
          return Api.concurrently(buyers);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      TestDatabase.awaitLockWaiters(3);

      var payment = Api.post("/api/orders/" + toPay + "/payment", payer, UUID.randomUUID().toString(),
          "{\"methodToken\":\"tok\"}");
      assertThat(payment.status()).as("a payment gets through the saturation").isEqualTo(201);

      Thread.sleep(300);   // let the burst meet the full door before the lock goes
      db.rollback();
      replies = burst.get(60, TimeUnit.SECONDS);
    }

    var refused = replies.stream().filter(r -> r.status() == 503).toList();
    assertThat(replies).extracting(Api.Reply::status).allSatisfy(s -> assertThat(s).isIn(201, 503));
    assertThat(refused).hasSizeGreaterThan(BUYERS / 2)
        .allSatisfy(r -> {
          assertThat(r.retryAfter()).isNotNull();
          assertThat(r.body()).contains("overloaded");
        });
    long sold = replies.stream().filter(r -> r.status() == 201).count();
    assertThat(Api.available(held)).isEqualTo(BUYERS - (int) sold);
    given().port(9001).get("/q/metrics").then()
        .body(containsString("admission_rejected_total{app=\"order-service\",route=\"order_write\"}"));

    // service restored without a restart
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(held, 1));
  }
}
