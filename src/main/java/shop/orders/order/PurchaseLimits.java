package shop.orders.order;


import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.SortedMap;

/**
 * Per-product purchase limits, over everything one customer holds in live orders (awaiting payment or paid), in the
 * order's own transaction. The customer's orders for limited products are serialised by a transaction-level advisory
 * lock on the customer, so racing orders of one customer cannot both pass: the second sees the first once it
 * committed. Orders without a limited product take no such lock.
 */
final class PurchaseLimits {
  private PurchaseLimits() {
  }

  /** Throws 409 {@code purchase-limit} for the first SKU (in SKU order) the order would take past its limit. */
  static void enforce(Connection c, String customerId, SortedMap<String, Integer> wanted, Map<String, Integer> limits)
      throws SQLException {
    OrderRows.lockPurchaseLimitsOf(c, customerId);
    Map<String, Integer> held = OrderRows.heldInLiveOrders(c, customerId, limits.keySet());
    for (var line : wanted.entrySet()) {
      Integer limit = limits.get(line.getKey());
      int already = held.getOrDefault(line.getKey(), 0);
      if (limit != null && already + line.getValue() > limit) {
        throw OrderProblems.purchaseLimit(line.getKey(), limit, already);
      }
    }
  }
}
