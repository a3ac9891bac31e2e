package shop.orders.catalog;

import shop.orders.money.Money;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The catalog's hand-written SQL: stock taken, given back and adjusted atomically, and prices and stock read for
 * an order, in plain JDBC on the caller's transaction (see db.Jdbc). Plain reads and writes use the {@link Product}
 * entity.
 */
final class ProductRows {
  private ProductRows() {
  }

  /**
   * Atomic: adds {@code delta} (negative: removes) unless that would take the stock below zero; the stock after,
   * or empty when the product does not exist or has too little. Call inside a transaction.
   */
  static OptionalInt adjust(Connection c, String sku, int delta) throws SQLException {
    try (var update = c.prepareStatement("""
        update product set available = available + ?, updated_at = now()
        where sku = ? and available + ? >= 0 returning available""")) {
      update.setInt(1, delta);
      update.setString(2, sku);
      update.setInt(3, delta);
      try (var rs = update.executeQuery()) {
        return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
      }
    }
  }

  /**
   * Atomic: the stock left after taking {@code quantity}, or -1 when not enough was left (nothing taken). With a
   * {@code lockWait}, this statement and the rest of the transaction wait at most that long for a row lock (1 ms at
   * least), set in the same round trip. Call inside a transaction.
   */
  static int reserve(Connection c, String sku, int quantity, Duration lockWait) throws SQLException {
    String reserve = "update product set available = available - ? where sku = ? and available >= ? returning available";
    try (var update = c.prepareStatement(lockWait == null ? reserve
        : "select set_config('lock_timeout', ?, true); " + reserve)) {
      int i = 1;
      if (lockWait != null) {
        update.setString(i++, Math.max(1, lockWait.toMillis()) + "ms");
      }
      update.setInt(i++, quantity);
      update.setString(i++, sku);
      update.setInt(i, quantity);
      update.execute();
      if (lockWait != null) {
        update.getMoreResults(); // past set_config's row
      }
      try (var rs = update.getResultSet()) {
        return rs.next() ? rs.getInt(1) : -1;
      }
    }
  }

  /** Gives back stock a live order held. Call inside a transaction, for several SKUs in SKU order. */
  static void release(Connection c, String sku, int quantity) throws SQLException {
    try (var update = c.prepareStatement("update product set available = available + ? where sku = ?")) {
      update.setInt(1, quantity);
      update.setString(2, sku);
      update.executeUpdate();
    }
  }

  /** Price and purchase limit per SKU, for those of {@code skus} the catalog has. */
  static Map<String, Offer> offersOf(Connection c, Collection<String> skus, int eventDefault) throws SQLException {
    return query(c, "select sku, price_minor, currency, max_per_customer, event from product where sku = any(?)", skus,
        rs -> new Offer(new Money(rs.getLong(2), rs.getString(3)),
            Product.limitPerCustomer((Integer) rs.getObject(4), rs.getBoolean(5), eventDefault)));
  }

  /** Current stock per SKU. */
  static Map<String, Integer> availableOf(Connection c, Collection<String> skus) throws SQLException {
    return query(c, "select sku, available from product where sku = any(?)", skus, rs -> rs.getInt(2));
  }

  private interface RowValue<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> Map<String, T> query(Connection c, String sql, Collection<String> skus, RowValue<T> column)
      throws SQLException {
    try (var select = c.prepareStatement(sql)) {
      select.setArray(1, c.createArrayOf("varchar", skus.toArray()));
      var bySku = new HashMap<String, T>();
      try (var rs = select.executeQuery()) {
        while (rs.next()) {
          bySku.put(rs.getString(1), column.read(rs));
        }
      }
      return bySku;
    }
  }
}
