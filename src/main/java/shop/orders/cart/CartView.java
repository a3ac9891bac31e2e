package shop.orders.cart;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.util.List;

/**
 * A cart as the storefront shows it: each line with the product's current name and price (from the catalog
 * cache, so possibly a few seconds old; the order prices from PostgreSQL), and the total when every line is in
 * one currency.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection(targets = {CartView.class, CartView.Item.class})
public record CartView(List<Item> items, Money total) {
  public record Item(String sku, String name, int quantity, Money unitPrice, Money lineTotal) {}

  static CartView of(List<Item> items) {
    Money total = null;
    if (!items.isEmpty() && items.stream().map(i -> i.unitPrice().currency()).distinct().count() == 1) {
      total = items.stream().map(Item::lineTotal).reduce(Money::plus).orElseThrow();
    }
    return new CartView(items, total);
  }
}
