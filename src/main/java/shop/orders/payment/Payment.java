package shop.orders.payment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import shop.orders.common.Money;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One attempt to charge an order. Final states never move again. */
@Entity
@Table(name = "payment")
public class Payment extends GatewayOperation {
  @Column(name = "customer_id")
  public String customerId;
  @Column(name = "idem_key")
  public String idempotencyKey;
  @Enumerated(EnumType.STRING)
  public PaymentStatus status;

  static Payment authorizing(UUID orderId, String customerId, String idempotencyKey, Money amount, Instant now) {
    var payment = new Payment();
    payment.open(orderId, amount, now);
    payment.customerId = customerId;
    payment.idempotencyKey = idempotencyKey;
    payment.status = PaymentStatus.AUTHORIZING;
    return payment;
  }

  /** Moves to {@code next}; false (and no change) when already final, so a late answer cannot undo a settled one. */
  boolean settle(PaymentStatus next, String ref, Instant now) {
    if (status.isFinal()) {
      return false;
    }
    status = next;
    moved(ref, next.isFinal(), now);
    return true;
  }

  static Optional<Payment> latestFor(UUID orderId) {
    return find("orderId = ?1 order by createdAt desc", orderId).firstResultOptional();
  }


  static long backlog() {
    return count("status in ?1", List.of(PaymentStatus.AUTHORIZING, PaymentStatus.UNKNOWN));
  }
}
