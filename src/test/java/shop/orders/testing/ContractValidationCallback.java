package shop.orders.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeClassCallback;

/**
 * Installs {@link ContractValidation} in the class loader a {@code @QuarkusTest} runs in, whose RestAssured is not
 * necessarily the one the JUnit extension saw.
 */
public class ContractValidationCallback implements QuarkusTestBeforeClassCallback {
  @Override
  public void beforeClass(Class<?> testClass) {
    ContractValidation.install();
  }
}
