package shop.orders.catalog;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, against the packaged application. */
@QuarkusIntegrationTest
class CatalogResourceIT extends CatalogResourceTests {
}
