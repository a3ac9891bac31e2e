package shop.orders.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import shop.orders.money.Money;

import java.time.Instant;

/** A sellable item. {@code available} is the stock not yet reserved by an order; the database keeps it >= 0. */
@Entity
@Table(name = "product")
public class Product extends PanacheEntityBase {
  @Id
  String sku;
  String name;
  @Column(name = "price_minor")
  long priceMinor;
  String currency;
  int available;
  boolean event;
  /** Set by an admin; null: the default rule ({@link #limitPerCustomer}). */
  @Column(name = "max_per_customer")
  Integer maxPerCustomer;
  @Column(name = "updated_at")
  Instant updatedAt;

  public Money price() {
    return new Money(priceMinor, currency);
  }

  /** The units one customer may hold: the admin's limit, else {@code eventDefault} for an event product, else none. */
  static Integer limitPerCustomer(Integer maxPerCustomer, boolean event, int eventDefault) {
    return maxPerCustomer != null ? maxPerCustomer : event ? Integer.valueOf(eventDefault) : null;
  }
}
