package shop.orders.payment;

import io.quarkus.runtime.annotations.RegisterForReflection;
import shop.orders.money.Money;

import java.time.Instant;
import java.util.UUID;

/** A payment as its customer reads it. */
@RegisterForReflection
public record PaymentView(UUID id, UUID orderId, PaymentStatus status, Money amount, String gatewayRef,
                          Instant createdAt, Instant updatedAt) {
  static PaymentView of(Payment p) {
    return new PaymentView(p.id, p.orderId, p.status, p.amount(), p.gatewayRef, p.createdAt, p.updatedAt);
  }
}
