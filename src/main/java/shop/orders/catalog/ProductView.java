package shop.orders.catalog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

/**
 * A product as shoppers and operators see it. {@code maxPerCustomer}: how many units one customer may hold in orders
 * awaiting payment or paid (the admin's limit or the event default); absent when there is none.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Product", requiredProperties = {"sku", "name", "price", "available", "event"})
public record ProductView(@Schema(maxLength = 64, pattern = "^[A-Za-z0-9._-]{1,64}$") String sku,
                          @Schema(maxLength = 200, pattern = "^[^\\u0000-\\u001f]{1,200}$") String name,
                          Money price,
                          @Schema(format = "int32", minimum = "0", maximum = "1000000000") int available,
                          boolean event,
                          @Schema(format = "int32", minimum = "1", maximum = "1000000",
                              description = "Units one customer may hold in orders awaiting payment or paid; absent: "
                                  + "no limit")
                          Integer maxPerCustomer) {
  static ProductView of(Product p, int eventDefault) {
    return new ProductView(p.sku, p.name, p.price(), p.available, p.event,
        Product.limitPerCustomer(p.maxPerCustomer, p.event, eventDefault));
  }

  /**
   * The entity tag of this state of the product: a strong validator of everything a PUT replaces, so a PUT with
   * {@code If-Match} fails (412) when anything changed since it was read, stock taken by an order included.
   */
  public String etag() {
    String state = sku + "\n" + name + "\n" + price.amountMinor() + " " + price.currency() + "\n" + available + "\n"
        + event + "\n" + maxPerCustomer;
    try {
      var digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "\"" + java.util.HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
