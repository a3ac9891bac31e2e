package shop.orders.payment;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** The payment gateway, simulated by WireMock on a free loopback port. */
public class PaymentGatewayWireMock implements QuarkusTestResourceLifecycleManager {
  private static WireMockServer server;

  public static WireMockServer gateway() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    // enough threads that a slow stub delays every call by its delay, not by queueing behind other calls
    server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(64));
    server.start();
    return Map.of("quarkus.rest-client.payment-gateway.url", server.baseUrl());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop();
    }
  }
}
