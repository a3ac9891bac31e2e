package shop.orders.payment;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static shop.orders.payment.PaymentGatewayWireMock.gateway;

/**
 * What every payment test against WireMock does around each test: the charge path warmed once per JVM (so its first
 * call's costs do not count against the short test timeout), and afterwards WireMock's stubs and the gateway
 * breakers reset, so no test inherits another's gateway.
 */
abstract class WithPaymentGateway {
  @Inject
  CircuitBreakerMaintenance breakers;

  @BeforeEach
  void warmUpCharges() {
    PaymentScenarios.warmUp(getClass());
  }

  @AfterEach
  void resetGateway() {
    gateway().resetAll();
    breakers.resetAll();
  }
}
