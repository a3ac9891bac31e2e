package shop.orders.order;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Where an order stands: PENDING_PAYMENT to PAID, CANCELLED or EXPIRED; PAID to REFUNDED when a paid order is
 * cancelled. PENDING_PAYMENT and PAID hold reserved stock; the others gave it back.
 */
@Schema(name = "OrderStatus")
public enum OrderStatus {
  PENDING_PAYMENT, PAID, CANCELLED, EXPIRED, REFUNDED
}
