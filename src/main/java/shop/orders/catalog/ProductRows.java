package shop.orders.catalog;

import shop.orders.db.RoundTrip;
import shop.orders.money.Money;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The catalog's hand-written SQL: stock taken, given back and adjusted atomically, and prices and stock read for
 * an order, in plain JDBC on the caller's transaction (see db.Jdbc); products as shoppers see them, on whichever
 * server db.ReadReplica chose. Plain reads and writes use the {@link Product} entity.
 */
final class ProductRows {
  /**
   * The most units a product may have available (the contract's maximum). Units given back by orders may take it
   * above by what orders held, never near integer's end (2^31 - 1): orders only give back what they took.
   */
  static final int MAX_AVAILABLE = 1_000_000_000;

  private static final String VIEW =
      "select sku, name, price_minor, currency, available, event, max_per_customer from product";
  private static final String RESERVE =
      "update product set available = available - ? where sku = ? and available >= ? returning available";

  private ProductRows() {
  }

  /**
   * Atomic: adds {@code delta} (negative: removes) unless that would take the stock below zero or above
   * {@link #MAX_AVAILABLE}; the stock after, or empty when the product does not exist or the stock would leave its
   * bounds. Call inside a transaction.
   */
  static OptionalInt adjust(Connection c, String sku, int delta) throws SQLException {
    // compared as bigint: the sum of two integers near the bound must not overflow before it is compared
    try (var update = c.prepareStatement("""
        update product set available = available + ?, updated_at = now()
        where sku = ? and available::bigint + ? between 0 and ? returning available""")) {
      update.setInt(1, delta);
      update.setString(2, sku);
      update.setInt(3, delta);
      update.setInt(4, MAX_AVAILABLE);
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
  static RoundTrip.Part<Integer> reservePart(String sku, int quantity, Duration lockWait) {
    String sql = lockWait == null ? RESERVE : "select set_config('lock_timeout', ?, true); " + RESERVE;
    return RoundTrip.part(sql, (c, update, first) -> {
      int i = first;
      if (lockWait != null) {
        update.setString(i++, Math.max(1, lockWait.toMillis()) + "ms");
      }
      update.setInt(i++, quantity);
      update.setString(i++, sku);
      update.setInt(i++, quantity);
      return i;
    }, results -> {
      if (lockWait != null) {
        results.next(); // set_config's row
      }
      try (var rs = results.next()) {
        return rs.next() ? rs.getInt(1) : -1;
      }
    });
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
  static RoundTrip.Part<Map<String, Offer>> offersPart(Collection<String> skus, int eventDefault) {
    return bySkuPart("select sku, price_minor, currency, max_per_customer, event from product where sku = any(?)",
        skus,
        rs -> new Offer(new Money(rs.getLong(2), rs.getString(3)),
            Product.limitPerCustomer((Integer) rs.getObject(4), rs.getBoolean(5), eventDefault)));
  }

  /** Current stock per SKU. */
  static Map<String, Integer> availableOf(Connection c, Collection<String> skus) throws SQLException {
    return RoundTrip.run(c, bySkuPart("select sku, available from product where sku = any(?)", skus,
        rs -> rs.getInt(2)));
  }

  /** Products after {@code afterSku} (null: from the first) in SKU order, {@code limit} of them at most. */
  static List<ProductView> pageAfter(Connection c, String afterSku, int limit, int eventDefault) throws SQLException {
    try (var select = c.prepareStatement(VIEW + (afterSku == null ? "" : " where sku > ?") + " order by sku limit ?")) {
      int i = 1;
      if (afterSku != null) {
        select.setString(i++, afterSku);
      }
      select.setInt(i, limit);
      try (var rs = select.executeQuery()) {
        var found = new ArrayList<ProductView>();
        while (rs.next()) {
          found.add(view(rs, eventDefault));
        }
        return found;
      }
    }
  }

  /** One product as shoppers see it. */
  static Optional<ProductView> view(Connection c, String sku, int eventDefault) throws SQLException {
    try (var select = c.prepareStatement(VIEW + " where sku = ?")) {
      select.setString(1, sku);
      try (var rs = select.executeQuery()) {
        return rs.next() ? Optional.of(view(rs, eventDefault)) : Optional.empty();
      }
    }
  }

  private static ProductView view(ResultSet rs, int eventDefault) throws SQLException {
    boolean event = rs.getBoolean(6);
    return new ProductView(rs.getString(1), rs.getString(2), new Money(rs.getLong(3), rs.getString(4)), rs.getInt(5),
        event, Product.limitPerCustomer((Integer) rs.getObject(7), event, eventDefault));
  }

  private interface RowValue<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A query of one SKU array parameter whose rows start with the SKU: a value per SKU found. */
  private static <T> RoundTrip.Part<Map<String, T>> bySkuPart(String sql, Collection<String> skus, RowValue<T> column) {
    return RoundTrip.part(sql, (c, select, first) -> {
      select.setArray(first, c.createArrayOf("varchar", skus.toArray()));
      return first + 1;
    }, results -> {
      var found = new HashMap<String, T>();
      try (var rs = results.next()) {
        while (rs.next()) {
          found.put(rs.getString(1), column.read(rs));
        }
      }
      return found;
    });
  }
}
