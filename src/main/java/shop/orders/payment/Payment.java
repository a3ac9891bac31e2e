package shop.orders.payment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Convert;
import jakarta.persistence.Table;
import shop.orders.money.Money;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One attempt to charge an order. An open attempt (AUTHORIZING, UNKNOWN) settles once; an approved charge is
 * accounted for once (CAPTURED, or REVERSING then REVERSED), even when it arrives after the attempt was settled
 * DECLINED or FAILED.
 */
@Entity
@Table(name = "payment")
public class Payment extends GatewayOperation {
  @Column(name = "customer_id")
  String customerId;
  @Column(name = "idem_key")
  String idempotencyKey;
  @Convert(converter = StoredColumns.PaymentStatusColumn.class)
  PaymentStatus status;
  @Convert(converter = StoredColumns.SettledByColumn.class)
  @Column(name = "settled_by")
  SettledBy settledBy;
  /** The storefront's token for the payment method, kept to send the charge again; null for older payments. */
  @Column(name = "method_token")
  String methodToken;
  /** How many times the charge was sent again after its outcome was left unknown. */
  short resends;

  static Payment authorizing(UUID orderId, String customerId, String idempotencyKey, Money amount, String methodToken,
                             Instant now, Duration notFoundWindow) {
    var payment = new Payment();
    payment.open(orderId, amount, now, notFoundWindow);
    payment.customerId = customerId;
    payment.idempotencyKey = idempotencyKey;
    payment.methodToken = methodToken;
    payment.status = PaymentStatus.AUTHORIZING;
    return payment;
  }

  /** The gateway did not answer: the outcome stays open. False when the payment had already moved on. */
  boolean markUnknown(Instant now) {
    if (status != PaymentStatus.AUTHORIZING) {
      return false;
    }
    status = PaymentStatus.UNKNOWN;
    updatedAt = now;
    return true;
  }

  /**
   * Nothing was charged: the gateway declined (DECLINED) or refused or never had the request (FAILED). Only an open
   * payment moves; false (and no change) otherwise, so a late "failed" cannot undo a capture.
   */
  boolean fail(PaymentStatus outcome, String ref, SettledBy by, Instant now) {
    if (!status.isOpen()) {
      return false;
    }
    if (outcome != PaymentStatus.DECLINED && outcome != PaymentStatus.FAILED) {
      throw new IllegalArgumentException("not a failure: " + outcome);
    }
    status = outcome;
    settledBy = by;
    moved(ref, true, now);
    return true;
  }

  /** The gateway charged and the order takes the charge; false when the charge is already accounted for. */
  boolean capture(String ref, SettledBy by, Instant now) {
    return approve(PaymentStatus.CAPTURED, ref, by, now);
  }

  /** The gateway charged for an order that cannot take it: the charge is to be paid back. */
  boolean reverse(String ref, SettledBy by, Instant now) {
    return approve(PaymentStatus.REVERSING, ref, by, now);
  }

  /**
   * Counts one more sending of the charge when this open payment can be sent again (it has its method token and
   * sendings left): true, and the next check is {@code pause} from now. False, and nothing changes, otherwise.
   */
  boolean sendAgain(int maxResends, Duration pause, Instant now) {
    if (!status.isOpen() || methodToken == null || resends >= maxResends) {
      return false;
    }
    resends++;
    nextCheckAt = now.plus(pause);
    updatedAt = now;
    return true;
  }

  /**
   * The charge request, the same every time it is sent: the payment's id (the gateway's idempotency key), order,
   * amount and method token.
   */
  PaymentGatewayApi.Charge charge() {
    return new PaymentGatewayApi.Charge(id, orderId, amountMinor, currency, methodToken);
  }

  /** The charge of a REVERSING payment was paid back. */
  void reversed(Instant now) {
    if (status != PaymentStatus.REVERSING) {
      throw new IllegalStateException("payment " + id + " is " + status + ", not REVERSING");
    }
    status = PaymentStatus.REVERSED;
    updatedAt = now;
  }

  private boolean approve(PaymentStatus outcome, String ref, SettledBy by, Instant now) {
    if (status.chargeAccountedFor()) {
      return false;
    }
    status = outcome;
    settledBy = by;
    moved(ref, true, now);
    return true;
  }

  static Optional<Payment> latestFor(UUID orderId) {
    return find("orderId = ?1 order by createdAt desc", orderId).firstResultOptional();
  }

  static long backlog() {
    return count("status in ?1", List.of(PaymentStatus.AUTHORIZING, PaymentStatus.UNKNOWN));
  }

  static long reversing() {
    return count("status", PaymentStatus.REVERSING);
  }
}
