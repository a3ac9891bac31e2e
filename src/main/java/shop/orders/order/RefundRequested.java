package shop.orders.order;

import java.util.UUID;

/**
 * A customer cancelled a paid order. Fired outside any transaction; the payment side observes it and refunds
 * through the gateway (order does not know payments). {@code outcome} is filled in by the observer.
 */
public final class RefundRequested {
  /** What came of the refund, as the cancel request reports it. */
  public enum Outcome { REFUNDED, PENDING }

  public final UUID orderId;
  private Outcome outcome = Outcome.PENDING;

  RefundRequested(UUID orderId) {
    this.orderId = orderId;
  }

  public void outcome(Outcome outcome) {
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }
}
