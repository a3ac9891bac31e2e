package shop.orders.cart;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
class CartIT extends CartTests {
}
