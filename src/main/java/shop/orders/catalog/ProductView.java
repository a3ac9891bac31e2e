package shop.orders.catalog;

import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.common.Money;

/** A product as shoppers and operators see it. */
@RegisterForReflection
public record ProductView(String sku, String name, Money price, int available, boolean event) {
  static ProductView of(Product p) {
    return new ProductView(p.sku, p.name, p.price(), p.available, p.event);
  }
}
