package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every change of an order writes exactly its event to the outbox (order_event), in the change's transaction: the
 * order's sequence from 1 without gaps, a stable id, the CloudEvents type, the order as the API shows it after the
 * change, not yet published. A change that does not happen writes nothing.
 */
@QuarkusTest
class OrderEventsTests {
  private static final String PREFIX = Api.prefix(OrderEventsTests.class);

  @Inject
  OrderExpiryJob expiry;
  @Inject
  OrderConfig config;

  /** One outbox row: its sequence, type, the order's status and id in its data, and whether it was published. */
  record Row(UUID id, int seq, String type, String status, String orderIdInData, boolean published) {
  }

  static List<Row> events(String orderId) throws SQLException {
    try (var c = TestDatabase.connect(); var query = c.prepareStatement("""
        select id, seq, type, data->>'status', data->>'id', published_at is not null
        from order_event where order_id = ?::uuid order by seq""")) {
      query.setString(1, orderId);
      var rows = new ArrayList<Row>();
      try (var rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getBoolean(6)));
        }
      }
      return rows;
    }
  }

  @Test
  void placingAndCancellingWriteTheirEventsInSequenceAndARepeatedCancelWritesNone() throws Exception {
    String sku = PREFIX + "CANCEL";
    Api.putProduct(sku, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(token, Api.lines(sku, 2));
    assertThat(events(id)).extracting(Row::seq, Row::type, Row::status, Row::orderIdInData, Row::published)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "shop.order.placed", "PENDING_PAYMENT", id, false));

    given().auth().oauth2(token).post("/api/orders/{id}/cancel", id).then().statusCode(200);
    given().auth().oauth2(token).post("/api/orders/{id}/cancel", id).then().statusCode(200);
    var rows = events(id);
    assertThat(rows).extracting(Row::seq, Row::type, Row::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "shop.order.placed", "PENDING_PAYMENT"),
        org.assertj.core.groups.Tuple.tuple(2, "shop.order.cancelled", "CANCELLED"));
    assertThat(rows).extracting(Row::id).doesNotHaveDuplicates();
    assertThat(TestDatabase.count("select event_seq from customer_order where id = ?::uuid", id))
        .as("the order counts its events").isEqualTo(2);
  }

  @Test
  void expiryWritesTheExpiredEventOfEachOrderItEnds() throws Exception {
    String sku = PREFIX + "EXPIRE";
    Api.putProduct(sku, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    String first = Api.placedOrderId(token, Api.lines(sku, 1));
    String second = Api.placedOrderId(token, Api.lines(sku, 2));

    assertThat(expiry.expireDue(Instant.now().plus(config.paymentWindow()).plusSeconds(1))).isPositive();
    for (String id : List.of(first, second)) {
      assertThat(events(id)).extracting(Row::seq, Row::type, Row::status).containsExactly(
          org.assertj.core.groups.Tuple.tuple(1, "shop.order.placed", "PENDING_PAYMENT"),
          org.assertj.core.groups.Tuple.tuple(2, "shop.order.expired", "EXPIRED"));
    }
  }

  @Test
  void anOrderThatRollsBackWritesNoEvent() throws Exception {
    String sku = PREFIX + "SHORT";
    Api.putProduct(sku, 1_000, 1);
    String token = LocalTokens.customer(Api.newCustomer());
    long before = TestDatabase.count("select count(*) from order_event where data::text like ?", "%" + sku + "%");
    Api.placeOrder(token, UUID.randomUUID().toString(), Api.lines(sku, 2)).statusCode(409);
    assertThat(TestDatabase.count("select count(*) from order_event where data::text like ?", "%" + sku + "%"))
        .as("the stock was short: the order, its lines and its event rolled back together").isEqualTo(before);
    assertThat(TestDatabase.count("select count(*) from order_line where sku = ?", sku)).isZero();
  }
}
