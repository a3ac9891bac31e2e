package shop.orders.ops;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import shop.orders.testing.ManagementPort;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
@WithTestResource(ManagementPort.class)
class ManagementIT extends ManagementTests {
}
