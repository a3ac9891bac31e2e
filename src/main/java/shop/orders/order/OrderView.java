package shop.orders.order;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as its customer (or an operator) reads it. */
@RegisterForReflection(targets = {OrderView.class, OrderView.Line.class})
@Schema(name = "Order",
    requiredProperties = {"id", "customerId", "status", "lines", "total", "createdAt", "expiresAt"})
public record OrderView(@Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID id,
                        @Schema(maxLength = 128, pattern = "^[!-~]{1,128}$") String customerId,
                        OrderStatus status,
                        @Schema(maxItems = 50) List<Line> lines,
                        Money total,
                        @Schema(implementation = String.class, format = "date-time", maxLength = 40) Instant createdAt,
                        @Schema(implementation = String.class, format = "date-time", maxLength = 40,
                            description = "When an unpaid order expires and its stock is released")
                        Instant expiresAt) {

  @Schema(name = "OrderLine", requiredProperties = {"sku", "quantity", "unitPrice", "lineTotal"})
  public record Line(@Schema(maxLength = 64, pattern = "^[A-Za-z0-9._-]{1,64}$") String sku,
                     @Schema(format = "int32", minimum = "1", maximum = "100") int quantity,
                     Money unitPrice, Money lineTotal) {}

  static OrderView of(Order o) {
    var lines = o.lines.stream().map(l -> {
      var unit = new Money(l.unitPriceMinor, o.currency);
      return new Line(l.sku, l.quantity, unit, unit.times(l.quantity));
    }).toList();
    return new OrderView(o.id, o.customerId, o.status, lines, o.total(), o.createdAt, o.expiresAt);
  }
}
