package shop.orders.payment;

/**
 * AUTHORIZING: recorded, the gateway is being asked. CAPTURED: charged, the order is paid. DECLINED: the gateway
 * said no. UNKNOWN: no answer (timeout, lost response): reconciliation asks the gateway. FAILED: the gateway never
 * received it or refused it; nothing was charged. CAPTURED, DECLINED and FAILED are final.
 */
public enum PaymentStatus {
  AUTHORIZING, CAPTURED, DECLINED, UNKNOWN, FAILED;

  public boolean isFinal() {
    return this == CAPTURED || this == DECLINED || this == FAILED;
  }
}
