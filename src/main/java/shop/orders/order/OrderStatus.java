package shop.orders.order;

/** Where an order stands. Only {@code PENDING_PAYMENT} holds reserved stock that may still be given back. */
public enum OrderStatus {
  PENDING_PAYMENT, PAID, CANCELLED, EXPIRED
}
