package shop.orders.cart;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
@Schema(name = "Cart", requiredProperties = "items",
    description = "total is absent when the cart is empty or its lines are in more than one currency")
public record CartView(@Schema(maxItems = 50) List<Item> items, Money total) {
  @Schema(name = "CartItem", requiredProperties = {"sku", "name", "quantity", "unitPrice", "lineTotal"})
  public record Item(@Schema(maxLength = 64, pattern = "^[A-Za-z0-9._-]{1,64}$") String sku,
                     @Schema(maxLength = 200, pattern = "^[^\\u0000-\\u001f]{1,200}$") String name,
                     @Schema(format = "int32", minimum = "1", maximum = "100") int quantity,
                     Money unitPrice, Money lineTotal) {}

  static CartView of(List<Item> items) {
    Money total = null;
    if (!items.isEmpty() && items.stream().map(i -> i.unitPrice().currency()).distinct().count() == 1) {
      total = items.stream().map(Item::lineTotal).reduce(Money::plus).orElseThrow();
    }
    return new CartView(items, total);
  }
}
