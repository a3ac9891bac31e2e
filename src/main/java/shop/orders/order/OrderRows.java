package shop.orders.order;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;

/** Writes a new order and its lines with plain JDBC, on the order path's transaction (see db.Jdbc). */
final class OrderRows {
  private OrderRows() {
  }

  static void insert(Connection c, Order order) throws SQLException {
    try (var insert = c.prepareStatement("""
        insert into customer_order (id, customer_id, status, total_minor, currency, created_at, expires_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
      insert.setObject(1, order.id);
      insert.setString(2, order.customerId);
      insert.setString(3, order.status.name());
      insert.setLong(4, order.totalMinor);
      insert.setString(5, order.currency);
      insert.setTimestamp(6, Timestamp.from(order.createdAt));
      insert.setTimestamp(7, Timestamp.from(order.expiresAt));
      insert.setTimestamp(8, Timestamp.from(order.updatedAt));
      insert.executeUpdate();
    }
    try (var insert = c.prepareStatement("""
        insert into order_line (order_id, line_no, sku, quantity, unit_price_minor) values (?, ?, ?, ?, ?)""")) {
      for (int i = 0; i < order.lines.size(); i++) {
        var line = order.lines.get(i);
        insert.setObject(1, order.id);
        insert.setInt(2, i);
        insert.setString(3, line.sku);
        insert.setInt(4, line.quantity);
        insert.setLong(5, line.unitPriceMinor);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
