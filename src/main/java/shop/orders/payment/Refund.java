package shop.orders.payment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Convert;
import jakarta.persistence.Table;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Paying a charge back: a cancelled paid order (CANCEL) or a charge the gateway made after its order could no longer
 * take it (LATE_CHARGE). REFUNDING and UNKNOWN are open; REFUNDED and FAILED are final, but a FAILED refund of a
 * cancel can be asked again: with the same id, since a payment has one refund id ever, so however often it is asked
 * the gateway pays back at most once.
 */
@Entity
@Table(name = "refund")
public class Refund extends GatewayOperation {
  @Schema(name = "RefundStatus", description = "REFUNDING: sent to the gateway, or being sent again; UNKNOWN: no "
      + "answer yet, being checked; REFUNDED: paid back; FAILED: the gateway refused it (an operator follows it up)")
  public enum Status { REFUNDING, REFUNDED, UNKNOWN, FAILED }

  /** Why the charge is paid back. */
  @Schema(name = "RefundReason", description = "CANCEL: the paid order was cancelled; LATE_CHARGE: the gateway "
      + "charged after the order could no longer take it, and the charge is paid back automatically")
  public enum Reason { CANCEL, LATE_CHARGE }

  @Column(name = "payment_id")
  UUID paymentId;
  @Convert(converter = StoredColumns.RefundStatusColumn.class)
  Status status;
  @Convert(converter = StoredColumns.RefundReasonColumn.class)
  Reason reason;

  /** The one refund id of a payment, and so the gateway's Idempotency-Key for paying it back. */
  static UUID idFor(UUID paymentId) {
    return UUID.nameUUIDFromBytes(("refund:" + paymentId).getBytes(StandardCharsets.UTF_8));
  }

  static Refund of(Payment payment, Reason reason, Instant now, Duration notFoundWindow) {
    var refund = new Refund();
    refund.open(payment.orderId, payment.amount(), now, notFoundWindow);
    refund.id = idFor(payment.id);
    refund.paymentId = payment.id;
    refund.reason = reason;
    refund.status = Status.REFUNDING;
    return refund;
  }

  boolean isFinal() {
    return status == Status.REFUNDED || status == Status.FAILED;
  }

  /**
   * To be sent again, with the same id: a refund that failed (asked again by a cancel), or one the gateway never
   * received (its "not found" final). The gateway sees the same refund id, so it pays back at most once.
   */
  void sendAgain(Instant now, Duration notFoundWindow) {
    if (status != Status.FAILED && status != Status.UNKNOWN) {
      throw new IllegalStateException("refund " + id + " is " + status + ": nothing to send again");
    }
    status = Status.REFUNDING;
    notFoundFinalAt = now.plus(notFoundWindow);
    updatedAt = now;
    nextCheckAt = now;
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
