package shop.orders.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as its customer (or an operator) reads it. */
@RegisterForReflection(targets = {OrderView.class, OrderView.Line.class})
public record OrderView(UUID id, String customerId, OrderStatus status, List<Line> lines, Money total,
                        Instant createdAt, Instant expiresAt) {

  public record Line(String sku, int quantity, Money unitPrice, Money lineTotal) {}

  static OrderView of(Order o) {
    var lines = o.lines.stream().map(l -> {
      var unit = new Money(l.unitPriceMinor, o.currency);
      return new Line(l.sku, l.quantity, unit, unit.times(l.quantity));
    }).toList();
    return new OrderView(o.id, o.customerId, o.status, lines, o.total(), o.createdAt, o.expiresAt);
  }
}
