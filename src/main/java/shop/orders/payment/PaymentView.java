package shop.orders.payment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * A payment as its customer reads it, with the refund that pays it back once there is one: a cancelled paid order's,
 * or the automatic one of a charge its order could not take (REVERSING, REVERSED).
 */
@RegisterForReflection
@Schema(name = "Payment", requiredProperties = {"id", "orderId", "status", "amount", "createdAt", "updatedAt"})
public record PaymentView(@Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID id,
                          @Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID orderId,
                          PaymentStatus status,
                          Money amount,
                          @Schema(maxLength = 128, pattern = "^[!-~]{1,128}$", nullable = true,
                              description = "The gateway's reference, once it answered (null before)") String gatewayRef,
                          @Schema(implementation = String.class, format = "date-time", maxLength = 40) Instant createdAt,
                          @Schema(implementation = String.class, format = "date-time", maxLength = 40) Instant updatedAt,
                          @Schema(description = "The refund of this payment's charge, once one was started (absent "
                              + "while none was): the customer's money on its way back, or back")
                          @JsonInclude(JsonInclude.Include.NON_NULL) RefundView refund) {
  /** The refund of a payment, as its customer reads it. */
  @RegisterForReflection
  @Schema(name = "PaymentRefund", requiredProperties = {"status", "reason", "amount", "requestedAt"})
  public record RefundView(
      Refund.Status status,
      Refund.Reason reason,
      Money amount,
      @Schema(implementation = String.class, format = "date-time", maxLength = 40,
          description = "When the refund was started") Instant requestedAt,
      @Schema(implementation = String.class, format = "date-time", maxLength = 40, nullable = true,
          description = "When the gateway confirmed the money paid back (null until REFUNDED)") Instant refundedAt) {
    static RefundView of(Refund r) {
      return new RefundView(r.status, r.reason, r.amount(), r.createdAt,
          r.status == Refund.Status.REFUNDED ? r.updatedAt : null);
    }
  }

  /** The payment as it stands when no refund of it can exist yet (its answer to the request that made it). */
  static PaymentView of(Payment p) {
    return new PaymentView(p.id, p.orderId, p.status, p.amount(), p.gatewayRef, p.createdAt, p.updatedAt, null);
  }

  /** The payment with its refund, when one was started. */
  static PaymentView withRefund(Payment p) {
    RefundView refund = Refund.<Refund>findByIdOptional(Refund.idFor(p.id)).map(RefundView::of).orElse(null);
    return new PaymentView(p.id, p.orderId, p.status, p.amount(), p.gatewayRef, p.createdAt, p.updatedAt, refund);
  }
}
