package shop.orders.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import shop.orders.common.ApiException;
import shop.orders.common.Problem;
import shop.orders.order.Order;
import shop.orders.order.OrderService;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The short transactions around a refund's gateway call. */
@ApplicationScoped
public class RefundLedger {
  private final OrderService orders;
  private final PaymentConfig config;

  RefundLedger(OrderService orders, PaymentConfig config) {
    this.orders = orders;
    this.config = config;
  }

  /** Transaction 1: the paid order's captured payment gets a refund REFUNDING. */
  @Transactional
  public Refund start(UUID orderId) {
    Order order = Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE);
    Instant now = Instant.now();
    order.beginRefund(now);
    Payment payment = Payment.<Payment>find("orderId = ?1 and status = ?2", orderId, PaymentStatus.CAPTURED)
        .firstResultOptional()
        .orElseThrow(() -> new ApiException(Problem.of(409, "no-captured-payment", "Nothing to refund",
            "Order " + orderId + " has no captured payment.")));
    Refund refund = Refund.of(payment, now);
    refund.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
    refund.persist();
    return refund;
  }

  /** The gateway was never asked: no refund, the order stays paid and may be cancelled again. */
  @Transactional
  public void notSent(UUID refundId) {
    settle(Refund.findById(refundId, LockModeType.PESSIMISTIC_WRITE), Optional.of(false), null);
  }

  /** Transaction 2, and reconciliation: records the gateway's answer once; empty: still unknown. */
  @Transactional
  public Refund.Status record(UUID refundId, Optional<PaymentGatewayClient.Decision> decision) {
    Refund refund = Refund.findById(refundId, LockModeType.PESSIMISTIC_WRITE);
    settle(refund, decision.map(PaymentGatewayClient.Decision::approved),
        decision.map(PaymentGatewayClient.Decision::gatewayRef).orElse(null));
    return refund.status;
  }

  @Transactional
  public List<UUID> leaseDue(Instant now, int limit) {
    return GatewayOperation.leaseDue("refund", "'REFUNDING', 'UNKNOWN'", now, limit,
        config.reconciliation().retryEvery());
  }

  private void settle(Refund refund, Optional<Boolean> refunded, String ref) {
    Instant now = Instant.now();
    if (refunded.isEmpty()) {
      if (refund.settle(Refund.Status.UNKNOWN, ref, now)) {
        refund.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
      }
      return;
    }
    if (!refund.settle(refunded.get() ? Refund.Status.REFUNDED : Refund.Status.FAILED, ref, now)) {
      return;
    }
    if (refunded.get()) {
      orders.refunded(refund.orderId);
    } else {
      Order.<Order>findById(refund.orderId, LockModeType.PESSIMISTIC_WRITE).paymentFailed(now);
    }
  }
}
