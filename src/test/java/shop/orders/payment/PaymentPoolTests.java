package shop.orders.payment;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.payment.PaymentGatewayWireMock.gateway;

/**
 * The incident's cause, turned into a test: a pool of 2 connections and a gateway that takes 1 s. Because no
 * connection is held during the call, 20 simultaneous payments all complete; none fails for lack of a connection.
 */
@QuarkusTest
@TestProfile(PaymentPoolTests.TwoConnections.class)
@WithTestResource(PaymentGatewayWireMock.class)
class PaymentPoolTests {
  private static final int PAYMENTS = 20;

  public static class TwoConnections implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.jdbc.min-size", "0", "quarkus.datasource.jdbc.max-size", "2",
          // room for all 20 calls at once: this test is about the pool, not the bulkhead
          ShortGatewayTimeouts.KEY + "bulkhead.value", "" + PAYMENTS,
          // and room for a 1 s gateway on two busy cores
          ShortGatewayTimeouts.KEY + "timeout.value", "3000",
          "quarkus.rest-client.payment-gateway.read-timeout", "4000",
          // and for a transaction of milliseconds that waits for a CPU: a build beside this one on two cores
          // stretched some past the 1 s a request may wait for a connection (503 database-busy, as designed)
          "quarkus.datasource.jdbc.acquisition-timeout", "PT5S");
    }
  }

  @Test
  void twentyPaymentsThroughASlowGatewayAllCompleteOnTwoConnections() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}").withFixedDelay(1000)));
    String sku = Api.prefix(PaymentPoolTests.class) + "SLOW";
    Api.putProduct(sku, 1_000, PAYMENTS);
    List<Callable<Api.Reply>> payments = new ArrayList<>();
    for (int i = 0; i < PAYMENTS; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      String orderId = Api.placedOrderId(token, Api.lines(sku, 1));
      payments.add(() -> Api.post("/api/orders/" + orderId + "/payment", token, UUID.randomUUID().toString(),
          "{\"methodToken\":\"tok_visa\"}"));
    }

    var replies = Api.concurrently(payments);

    assertThat(replies).as("replies: %s", replies).extracting(Api.Reply::status).containsOnly(201);
    gateway().verify(PAYMENTS, postRequestedFor(urlPathEqualTo("/v1/payments")));
  }
}
