package shop.orders.payment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * AUTHORIZING: recorded, the gateway is being asked. UNKNOWN: no answer (timeout, lost response): reconciliation
 * asks the gateway. CAPTURED: charged, the order is paid. DECLINED: the gateway said no. FAILED: the gateway
 * refused the request or did not have it once it could no longer act on it; nothing was charged. REVERSING: the
 * gateway charged after all, for an order that could no longer take the charge, and the charge is being refunded
 * automatically. REVERSED: that refund is done.
 * <p>
 * AUTHORIZING and UNKNOWN are open. DECLINED and FAILED are settled but not closed: should the gateway still report
 * an approved charge, it pays the order or is reversed (a customer is never left charged for nothing).
 */
@Schema(name = "PaymentStatus")
public enum PaymentStatus {
  AUTHORIZING, CAPTURED, DECLINED, UNKNOWN, FAILED, REVERSING, REVERSED;

  /** The gateway's outcome is not known yet. */
  public boolean isOpen() {
    return this == AUTHORIZING || this == UNKNOWN;
  }

  /** An approved charge is already accounted for: kept by the order, or being or been paid back. */
  public boolean chargeAccountedFor() {
    return this == CAPTURED || this == REVERSING || this == REVERSED;
  }
}
