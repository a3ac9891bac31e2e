package shop.orders.order;

import java.util.UUID;

/**
 * How a cancel of a paid order gets its money back: implemented by the payment side, called by
 * {@link OrderCancellation} outside any transaction. Order declares it, so order does not depend on payment.
 */
public interface PaidOrderRefunds {
  /** What the cancel request reports. */
  enum Outcome { REFUNDED, PENDING }

  /**
   * Refunds the order's captured payment through the gateway. REFUNDED: the order is REFUNDED; PENDING: the
   * gateway's answer is not known yet. Throws the problem to answer when the gateway rejects it or cannot be asked.
   */
  Outcome refund(UUID orderId);
}
