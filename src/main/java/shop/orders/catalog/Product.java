package shop.orders.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import shop.orders.common.Money;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

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

  /** Atomic: true when the stock was taken, false when not enough is left. Call inside a transaction. */
  public static boolean reserve(String sku, int quantity) {
    return update("available = available - ?1 where sku = ?2 and available >= ?1", quantity, sku) == 1;
  }

  /** Gives back stock a live order held. Call inside a transaction, for several SKUs in SKU order. */
  public static void release(String sku, int quantity) {
    update("available = available + ?1 where sku = ?2", quantity, sku);
  }

  /** Products after {@code afterSku} in SKU order, {@code limit} of them at most. */
  public static List<Product> pageAfter(String afterSku, int limit) {
    var query = afterSku == null ? find("order by sku") : find("sku > ?1 order by sku", afterSku);
    return query.range(0, limit - 1).list();
  }

  /** Current stock per SKU, read as values so it is never an entity's stale copy. */
  public static java.util.Map<String, Integer> availableOf(Collection<String> skus) {
    return getEntityManager()
        .createQuery("select p.sku, p.available from Product p where p.sku in :skus", Object[].class)
        .setParameter("skus", skus)
        .getResultStream()
        .collect(java.util.stream.Collectors.toMap(r -> (String) r[0], r -> (Integer) r[1]));
  }

  public static List<Product> bySkus(Collection<String> skus) {
    return list("sku in ?1", skus);
  }
}
