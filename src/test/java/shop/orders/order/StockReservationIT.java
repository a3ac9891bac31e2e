package shop.orders.order;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
class StockReservationIT extends StockReservationTests {
}
