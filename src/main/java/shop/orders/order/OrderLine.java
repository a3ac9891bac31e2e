package shop.orders.order;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One line of an order, priced when the order was placed. */
@Embeddable
public class OrderLine {
  @Column(name = "sku")
  String sku;
  @Column(name = "quantity")
  int quantity;
  @Column(name = "unit_price_minor")
  long unitPriceMinor;

  protected OrderLine() {
  }

  OrderLine(String sku, int quantity, long unitPriceMinor) {
    this.sku = sku;
    this.quantity = quantity;
    this.unitPriceMinor = unitPriceMinor;
  }
}
