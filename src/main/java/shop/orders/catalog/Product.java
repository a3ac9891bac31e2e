package shop.orders.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import shop.orders.common.Money;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A sellable item. {@code available} is the stock not yet reserved by an order; the database keeps it >= 0. */
@Entity
@Table(name = "product")
public class Product extends PanacheEntityBase {
  @Id
  public String sku;
  public String name;
  @Column(name = "price_minor")
  public long priceMinor;
  public String currency;
  public int available;
  public boolean event;
  @Column(name = "updated_at")
  public Instant updatedAt;

  public Money price() {
    return new Money(priceMinor, currency);
  }

  /**
   * Atomic: the stock left after taking {@code quantity}, or -1 when not enough was left (nothing taken).
   * Call inside a transaction.
   */
  static int reserve(Connection c, String sku, int quantity) throws SQLException {
    try (var update = c.prepareStatement(
        "update product set available = available - ? where sku = ? and available >= ? returning available")) {
      update.setInt(1, quantity);
      update.setString(2, sku);
      update.setInt(3, quantity);
      try (var rs = update.executeQuery()) {
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

  /** Price per SKU, for those of {@code skus} the catalog has. */
  static Map<String, Money> pricesOf(Connection c, Collection<String> skus) throws SQLException {
    return query(c, "select sku, price_minor, currency from product where sku = any(?)", skus,
        rs -> new Money(rs.getLong(2), rs.getString(3)));
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

  /** Products after {@code afterSku} in SKU order, {@code limit} of them at most. */
  public static List<Product> pageAfter(String afterSku, int limit) {
    var query = afterSku == null ? find("order by sku") : find("sku > ?1 order by sku", afterSku);
    return query.range(0, limit - 1).list();
  }
}
