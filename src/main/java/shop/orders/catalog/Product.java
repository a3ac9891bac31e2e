package shop.orders.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import shop.orders.money.Money;

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
  /** Set by an admin; null: the default rule ({@link #limitPerCustomer}). */
  @Column(name = "max_per_customer")
  public Integer maxPerCustomer;
  @Column(name = "updated_at")
  public Instant updatedAt;

  public Money price() {
    return new Money(priceMinor, currency);
  }

  /** The units one customer may hold: the admin's limit, else {@code eventDefault} for an event product, else none. */
  static Integer limitPerCustomer(Integer maxPerCustomer, boolean event, int eventDefault) {
    return maxPerCustomer != null ? maxPerCustomer : event ? Integer.valueOf(eventDefault) : null;
  }

  /**
   * Atomic: adds {@code delta} (negative: removes) unless that would take the stock below zero; the stock after,
   * or empty when the product does not exist or has too little. Call inside a transaction.
   */
  static java.util.OptionalInt adjust(Connection c, String sku, int delta) throws SQLException {
    try (var update = c.prepareStatement("update product set available = available + ?, updated_at = now() "
        + "where sku = ? and available + ? >= 0 returning available")) {
      update.setInt(1, delta);
      update.setString(2, sku);
      update.setInt(3, delta);
      try (var rs = update.executeQuery()) {
        return rs.next() ? java.util.OptionalInt.of(rs.getInt(1)) : java.util.OptionalInt.empty();
      }
    }
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

  /** Price and purchase limit per SKU, for those of {@code skus} the catalog has. */
  static Map<String, Offer> offersOf(Connection c, Collection<String> skus, int eventDefault) throws SQLException {
    return query(c, "select sku, price_minor, currency, max_per_customer, event from product where sku = any(?)", skus,
        rs -> new Offer(new Money(rs.getLong(2), rs.getString(3)),
            limitPerCustomer((Integer) rs.getObject(4), rs.getBoolean(5), eventDefault)));
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
