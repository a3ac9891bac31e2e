package shop.orders.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
class BadInputIT extends BadInputTests {
}
