package shop.orders.order;

import jakarta.persistence.Converter;
import shop.orders.db.StoredEnumConverter;

/** customer_order.status, read tolerantly (db.StoredEnumConverter). */
@Converter
class OrderStatusColumn extends StoredEnumConverter<OrderStatus> {
  OrderStatusColumn() {
    super(OrderStatus.class, "customer_order.status");
  }
}
