package shop.orders.payment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.time.Instant;
import java.util.UUID;

/** A payment as its customer reads it. */
@RegisterForReflection
@Schema(name = "Payment", requiredProperties = {"id", "orderId", "status", "amount", "createdAt", "updatedAt"})
public record PaymentView(@Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID id,
                          @Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID orderId,
                          PaymentStatus status,
                          Money amount,
                          @Schema(maxLength = 128, pattern = "^[!-~]{1,128}$", nullable = true,
                              description = "The gateway's reference, once it answered (null before)") String gatewayRef,
                          @Schema(implementation = String.class, format = "date-time", maxLength = 40) Instant createdAt,
                          @Schema(implementation = String.class, format = "date-time", maxLength = 40) Instant updatedAt) {
  static PaymentView of(Payment p) {
    return new PaymentView(p.id, p.orderId, p.status, p.amount(), p.gatewayRef, p.createdAt, p.updatedAt);
  }
}
