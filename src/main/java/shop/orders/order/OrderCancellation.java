package shop.orders.order;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * Cancelling an order. Unpaid: one transaction releases its stock. Paid: refunded through the gateway by the
 * payment side, which this class reaches only through the {@link PaidOrderRefunds} interface order declares.
 * Deliberately not transactional, so the refund's gateway call happens outside any transaction.
 */
@ApplicationScoped
public class OrderCancellation {
  /** The order after the cancel, and whether a refund is still on its way (202). */
  public record Cancelled(OrderView order, boolean refundPending) {}

  private final OrderService orders;
  private final PaidOrderRefunds refunds;

  OrderCancellation(OrderService orders, PaidOrderRefunds refunds) {
    this.orders = orders;
    this.refunds = refunds;
  }

  public Optional<Cancelled> cancel(UUID id, String customerId, boolean admin) {
    Optional<OrderView> view = orders.cancel(id, customerId, admin);
    if (view.isEmpty() || view.get().status() != OrderStatus.PAID) {
      return view.map(v -> new Cancelled(v, false));
    }
    var outcome = refunds.refund(id);
    var after = orders.find(id, customerId, admin).orElseThrow();
    return Optional.of(new Cancelled(after, outcome == PaidOrderRefunds.Outcome.PENDING));
  }
}
