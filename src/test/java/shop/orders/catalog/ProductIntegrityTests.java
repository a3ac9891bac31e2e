package shop.orders.catalog;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Order lines carry no foreign key (it locked hot stock rows), so the database refuses deleting an ordered product. */
@QuarkusTest
class ProductIntegrityTests {
  private static final String PREFIX = Api.prefix(ProductIntegrityTests.class);

  @Test
  void aProductNamedByAnOrderCannotBeDeletedAndAnUnorderedOneCan() throws Exception {
    String ordered = PREFIX + "ORDERED";
    String unordered = PREFIX + "UNORDERED";
    Api.putProduct(ordered, 1_000, 5);
    Api.putProduct(unordered, 1_000, 5);
    Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(ordered, 1));

    try (var db = TestDatabase.connect()) {
      assertThatThrownBy(() -> db.createStatement().executeUpdate("delete from product where sku = '" + ordered + "'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("named by orders");
      assertThat(db.createStatement().executeUpdate("delete from product where sku = '" + unordered + "'")).isEqualTo(1);
    }
  }
}
