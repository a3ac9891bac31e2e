package shop.orders.order;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Convert;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.hibernate.annotations.BatchSize;
import shop.orders.money.Money;
import shop.orders.problem.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An order and its state machine: PENDING_PAYMENT to PAID, CANCELLED or EXPIRED, PAID to REFUNDED, and nothing
 * else. Its transitions are package-private: other capabilities move an order only through the order package's
 * services ({@link OrderPayments} for the payment side).
 */
@Entity
@Table(name = "customer_order")
public class Order extends PanacheEntityBase {
  @Id
  UUID id;
  @Column(name = "customer_id")
  String customerId;
  @Convert(converter = OrderStatusColumn.class)
  OrderStatus status;
  @Column(name = "total_minor")
  long totalMinor;
  String currency;
  @Column(name = "created_at")
  Instant createdAt;
  @Column(name = "expires_at")
  Instant expiresAt;
  @Column(name = "updated_at")
  Instant updatedAt;
  /** A payment is with the gateway and its outcome not known yet: the order must not expire meanwhile. */
  @Column(name = "payment_in_progress")
  boolean paymentInProgress;
  /** How many events this order has had (order_event.seq of the last one). */
  @Column(name = "event_seq")
  int eventSeq;
  /** Events of this transaction's changes, not written to the outbox yet (OrderEventOutbox). */
  @Transient
  private List<OrderEvent> unwritten = new ArrayList<>();

  @ElementCollection
  @CollectionTable(name = "order_line", joinColumns = @JoinColumn(name = "order_id"))
  @OrderColumn(name = "line_no")
  @BatchSize(size = 100)
  List<OrderLine> lines = new ArrayList<>();

  /** A new order awaiting payment until {@code now + paymentWindow}; all lines must share one currency. */
  static Order openPending(String customerId, List<OrderLine> lines, String currency, Instant now,
                           Duration paymentWindow) {
    var order = new Order();
    order.id = UUID.randomUUID();
    order.customerId = customerId;
    order.status = OrderStatus.PENDING_PAYMENT;
    order.currency = currency;
    order.lines = new ArrayList<>(lines);
    order.totalMinor = lines.stream()
        .map(l -> new Money(l.unitPriceMinor, currency).times(l.quantity))
        .reduce(new Money(0, currency), Money::plus)
        .amountMinor();
    order.createdAt = now.truncatedTo(ChronoUnit.MICROS);
    order.expiresAt = order.createdAt.plus(paymentWindow);
    order.updatedAt = order.createdAt;
    order.happened(OrderEvent.Type.PLACED, order.createdAt);
    return order;
  }

  /** Each change of state is an event: the next in this order's sequence. */
  private void happened(OrderEvent.Type type, Instant at) {
    eventSeq++;
    unwritten.add(new OrderEvent(UUID.randomUUID(), id, eventSeq, type, at));
  }

  /** The events of changes made since the last call, for the outbox; the order forgets them. */
  List<OrderEvent> takeEvents() {
    var events = List.copyOf(unwritten);
    unwritten.clear();
    return events;
  }

  public Money total() {
    return new Money(totalMinor, currency);
  }

  /** The stock this order holds, per SKU. */
  public Map<String, Integer> quantitiesBySku() {
    var quantities = new TreeMap<String, Integer>();
    lines.forEach(l -> quantities.merge(l.sku, l.quantity, Integer::sum));
    return quantities;
  }

  /**
   * Cancels an order awaiting payment. Returns false when it is already cancelled (a repeated cancel changes
   * nothing); any other state is a 409.
   */
  boolean cancel(Instant now) {
    if (status == OrderStatus.CANCELLED || status == OrderStatus.REFUNDED) {
      return false;
    }
    if (status == OrderStatus.PAID) {
      return false;   // a paid order is cancelled by refunding it (OrderCancellation)
    }
    requireStatus(OrderStatus.PENDING_PAYMENT, "cancelled");
    if (paymentInProgress) {
      throw OrderProblems.paymentInProgressCannotCancel(id);
    }
    status = OrderStatus.CANCELLED;
    updatedAt = now;
    happened(OrderEvent.Type.CANCELLED, now);
    return true;
  }

  /**
   * A payment attempt starts: only an order awaiting payment, inside its payment window, with no other attempt
   * running, can be paid. Past the window it cannot, even before the expiry job has released it.
   */
  void beginPayment(Instant now) {
    if (status == OrderStatus.PENDING_PAYMENT && !expiresAt.isAfter(now)) {
      throw OrderProblems.paymentWindowClosed(id, expiresAt);
    }
    beginGatewayWork(OrderStatus.PENDING_PAYMENT, "paid", () -> OrderProblems.paymentInProgress(id), now);
  }

  /** Waiting for payment (whether or not an attempt is running). */
  boolean isAwaitingPayment() {
    return status == OrderStatus.PENDING_PAYMENT;
  }

  /**
   * Whether a charge the gateway made for an attempt already settled without one can pay this order: only while it
   * still waits for payment and no other attempt runs (that one may charge too). Otherwise the charge is paid back.
   */
  boolean canTakeLateCharge() {
    return status == OrderStatus.PENDING_PAYMENT && !paymentInProgress;
  }

  /** The attempt ended without a charge: the order can be paid again. */
  void paymentFailed(Instant now) {
    gatewayWorkEnded(now);
    happened(OrderEvent.Type.PAYMENT_FAILED, now);
  }

  /**
   * The gateway request ended and changed nothing: a payment never sent, or a refund that did not happen (the order
   * stays paid and may be cancelled again).
   */
  void gatewayWorkEnded(Instant now) {
    paymentInProgress = false;
    updatedAt = now;
  }

  /** The attempt charged the customer. */
  void markPaid(Instant now) {
    requireStatus(OrderStatus.PENDING_PAYMENT, "paid");
    status = OrderStatus.PAID;
    paymentInProgress = false;
    updatedAt = now;
    happened(OrderEvent.Type.PAID, now);
  }

  /** The gateway gave no answer for this order's running payment: its outcome is unknown for now. */
  void paymentOutcomeUnknown(Instant now) {
    updatedAt = now;
    happened(OrderEvent.Type.PAYMENT_UNKNOWN, now);
  }

  /** A charge this order could not take was paid back to the customer; the order itself is unchanged. */
  void lateChargeReversed(Instant now) {
    updatedAt = now;
    happened(OrderEvent.Type.LATE_CHARGE_REVERSED, now);
  }

  /** A refund of this paid order starts; only one at a time. */
  void beginRefund(Instant now) {
    beginGatewayWork(OrderStatus.PAID, "refunded", () -> OrderProblems.refundInProgress(id), now);
  }

  /** The gateway is asked about this order (a charge or a refund); one such request at a time. */
  private void beginGatewayWork(OrderStatus expected, String action, Supplier<ApiException> alreadyRunning,
                                Instant now) {
    requireStatus(expected, action);
    if (paymentInProgress) {
      throw alreadyRunning.get();
    }
    paymentInProgress = true;
    updatedAt = now;
  }

  /** The gateway paid the customer back. */
  void markRefunded(Instant now) {
    requireStatus(OrderStatus.PAID, "refunded");
    status = OrderStatus.REFUNDED;
    paymentInProgress = false;
    updatedAt = now;
    happened(OrderEvent.Type.REFUNDED, now);
  }

  /** Ends an unpaid order whose payment window has passed. */
  void expire(Instant now) {
    requireStatus(OrderStatus.PENDING_PAYMENT, "expired");
    if (expiresAt.isAfter(now)) {
      throw new IllegalStateException("order " + id + " expires at " + expiresAt + ", not before");
    }
    status = OrderStatus.EXPIRED;
    updatedAt = now;
    happened(OrderEvent.Type.EXPIRED, now);
  }

  private void requireStatus(OrderStatus expected, String action) {
    if (status != expected) {
      throw OrderProblems.stateConflict(id, status, action);
    }
  }
}
