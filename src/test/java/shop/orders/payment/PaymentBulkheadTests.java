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

/** A full bulkhead refuses at once with 503 + Retry-After: the refused payment never reaches the gateway. */
@QuarkusTest
@TestProfile(PaymentBulkheadTests.TwoAtATime.class)
@WithTestResource(PaymentGatewayWireMock.class)
class PaymentBulkheadTests {
  private static final int CALLERS = 6;

  public static class TwoAtATime implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(ShortGatewayTimeouts.KEY + "bulkhead.value", "2");
    }
  }

  @Test
  void paymentsBeyondTheBulkheadAre503WithoutAGatewayCall() throws Exception {
    gateway().stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg\"}").withFixedDelay(800)));
    String sku = Api.prefix(PaymentBulkheadTests.class) + "FULL";
    Api.putProduct(sku, 1_000, CALLERS);
    List<Callable<Api.Reply>> payments = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      String token = LocalTokens.customer(Api.newCustomer());
      String orderId = Api.placedOrderId(token, Api.lines(sku, 1));
      payments.add(() -> Api.post("/api/orders/" + orderId + "/payment", token, UUID.randomUUID().toString(),
          "{\"methodToken\":\"tok\"}"));
    }

    var replies = Api.concurrently(payments);

    var refused = replies.stream().filter(r -> r.status() == 503).toList();
    assertThat(refused).isNotEmpty().allSatisfy(r -> {
      assertThat(r.retryAfter()).isNotNull();
      assertThat(r.body()).contains("payment-gateway-unavailable");
    });
    assertThat(replies).extracting(Api.Reply::status).allSatisfy(s -> assertThat(s).isIn(201, 503));
    gateway().verify(CALLERS - refused.size(), postRequestedFor(urlPathEqualTo("/v1/payments")));
  }
}
