package shop.orders.order;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened to an order, as other systems learn of it (the outbox, order_event): its id is stable
 * (consumers deduplicate by it), {@code sequence} counts the order's events from 1 without gaps (consumers order by
 * it), and the payload is the order as the API shows it after the change.
 */
public record OrderEvent(UUID id, UUID orderId, int sequence, Type type, Instant occurredAt) {

  /** The event types, as CloudEvents' {@code type} attribute names them. */
  public enum Type {
    PLACED("shop.order.placed"),
    PAID("shop.order.paid"),
    CANCELLED("shop.order.cancelled"),
    EXPIRED("shop.order.expired"),
    REFUNDED("shop.order.refunded"),
    /** The gateway did not answer for this order's payment: the outcome is unknown until reconciliation learns it. */
    PAYMENT_UNKNOWN("shop.order.payment-unknown"),
    /**
     * A payment attempt ended without a charge (declined, failed, or found never charged after an unknown outcome):
     * the order can be paid again.
     */
    PAYMENT_FAILED("shop.order.payment-failed"),
    /** A charge this order could not take (it was paid, cancelled or expired meanwhile) was paid back. */
    LATE_CHARGE_REVERSED("shop.order.late-charge-reversed");

    private final String cloudEventType;

    Type(String cloudEventType) {
      this.cloudEventType = cloudEventType;
    }

    public String cloudEventType() {
      return cloudEventType;
    }
  }
}
