package shop.orders.payment;

/**
 * How a payment's last state was learnt, kept on the payment so the database shows why it is what it is: the
 * gateway's answer to the charge, its webhook, a lookup by the reconciliation job, the sweep of the gateway's charge
 * list, or nothing because the gateway was never asked.
 */
public enum SettledBy {
  ANSWER, WEBHOOK, LOOKUP, SWEEP, NOT_SENT;

  /** The low-cardinality metric tag. */
  String tag() {
    return name().toLowerCase();
  }
}
