package shop.orders.ops;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
class ManagementIT extends ManagementTests {
}
