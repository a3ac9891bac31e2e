package shop.orders.order;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import shop.orders.money.Money;
import shop.orders.problem.ApiException;

import java.time.Instant;
import java.util.UUID;

/**
 * What the payment side may do to an order, and the only way it does it: each call locks the order, lets the
 * order's own state machine decide, and runs in the caller's transaction (the payment's row changes in the same
 * one). The payment side never loads or changes an {@link Order} itself.
 */
@ApplicationScoped
public class OrderPayments {
  /** What became of an approved charge. */
  public enum ChargeTaken { PAID, REFUSED }

  private final OrderService orders;
  private final OrderEventOutbox outbox;

  OrderPayments(OrderService orders, OrderEventOutbox outbox) {
    this.orders = orders;
    this.outbox = outbox;
  }

  /**
   * A payment attempt starts on the customer's own order: 404 when it is not theirs, 409 when it cannot be paid now
   * (not awaiting payment, past its window, another attempt running). Returns the amount to charge.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Money beginPayment(UUID orderId, String customerId, Instant now) {
    Order order = Order.<Order>findByIdOptional(orderId, LockModeType.PESSIMISTIC_WRITE)
        .filter(o -> o.customerId.equals(customerId))
        .orElseThrow(() -> ApiException.notFound("Order " + orderId));
    order.beginPayment(now);
    return order.total();
  }

  /**
   * The running attempt never reached the gateway (breaker open, bulkhead full, refused for now): the order can be
   * paid again, and nothing happened to it that an event would tell.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void paymentNotSent(UUID orderId, Instant now) {
    locked(orderId).gatewayWorkEnded(now);
  }

  /** The running attempt ended without a charge: the order can be paid again (while its window lasts). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void paymentFailed(UUID orderId, Instant now) {
    change(orderId, order -> order.paymentFailed(now));
  }

  /**
   * The gateway charged. {@code attemptRunning}: the charge is of the attempt the order is waiting for, which it
   * takes while it still awaits payment. Otherwise (a late charge of an attempt already settled) the order takes it
   * only while awaiting payment with no other attempt running. PAID: the order is paid by it; REFUSED: the charge
   * must be paid back.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public ChargeTaken charged(UUID orderId, boolean attemptRunning, Instant now) {
    Order order = locked(orderId);
    if (attemptRunning ? !order.isAwaitingPayment() : !order.canTakeLateCharge()) {
      return ChargeTaken.REFUSED;
    }
    order.markPaid(now);
    outbox.write(order);
    return ChargeTaken.PAID;
  }

  /** The gateway did not answer for the order's running payment: an event says so (the order waits as it was). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void paymentOutcomeUnknown(UUID orderId, Instant now) {
    change(orderId, order -> order.paymentOutcomeUnknown(now));
  }

  /** A charge the order refused (ChargeTaken.REFUSED) has been paid back: an event says so. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void lateChargeReversed(UUID orderId, Instant now) {
    change(orderId, order -> order.lateChargeReversed(now));
  }

  /** The order's state, for a log line that explains a refused charge. */
  @Transactional(Transactional.TxType.MANDATORY)
  public String describe(UUID orderId) {
    Order order = Order.findById(orderId);
    return order.status + (order.paymentInProgress ? " with another attempt running" : "");
  }

  /** A refund of this paid order starts (409 when it is not paid or a refund is running). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void beginRefund(UUID orderId, Instant now) {
    locked(orderId).beginRefund(now);
  }

  /** The gateway paid the order back: REFUNDED, stock released. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void refunded(UUID orderId) {
    orders.refunded(orderId);
  }

  /** The refund did not happen: the order stays paid and may be cancelled again. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void refundFailed(UUID orderId, Instant now) {
    locked(orderId).gatewayWorkEnded(now);
  }

  /** A change of the locked order, and its events written in the same transaction. */
  private void change(UUID orderId, java.util.function.Consumer<Order> change) {
    Order order = locked(orderId);
    change.accept(order);
    outbox.write(order);
  }

  private static Order locked(UUID orderId) {
    return Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE);
  }
}
