package shop.orders.payment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** Paying a captured payment back. REFUNDING and UNKNOWN are open; REFUNDED and FAILED are final. */
@Entity
@Table(name = "refund")
public class Refund extends GatewayOperation {
  public enum Status { REFUNDING, REFUNDED, UNKNOWN, FAILED }

  @Column(name = "payment_id")
  public UUID paymentId;
  @Enumerated(EnumType.STRING)
  public Status status;

  static Refund of(Payment payment, Instant now) {
    var refund = new Refund();
    refund.open(payment.orderId, payment.amount(), now);
    refund.paymentId = payment.id;
    refund.status = Status.REFUNDING;
    return refund;
  }

  boolean isFinal() {
    return status == Status.REFUNDED || status == Status.FAILED;
  }

  /** Moves to {@code next} unless already final; false when nothing changed. */
  boolean settle(Status next, String ref, Instant now) {
    if (isFinal()) {
      return false;
    }
    status = next;
    moved(ref, isFinal(), now);
    return true;
  }
}
