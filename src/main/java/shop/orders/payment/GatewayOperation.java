package shop.orders.payment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import shop.orders.money.Money;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What a payment and a refund share: an id that is also the gateway's Idempotency-Key, an amount, the gateway's
 * reference, when the reconciliation job next asks the gateway about it, and from when the gateway's "not found"
 * is final (before that, the gateway may still act on the request: a 404 means "not yet").
 */
@MappedSuperclass
public abstract class GatewayOperation extends PanacheEntityBase {
  @Id
  public UUID id;
  @Column(name = "order_id")
  public UUID orderId;
  @Column(name = "amount_minor")
  public long amountMinor;
  public String currency;
  @Column(name = "gateway_ref")
  public String gatewayRef;
  @Column(name = "created_at")
  public Instant createdAt;
  @Column(name = "updated_at")
  public Instant updatedAt;
  @Column(name = "next_check_at")
  public Instant nextCheckAt;
  @Column(name = "not_found_final_at")
  public Instant notFoundFinalAt;

  void open(UUID orderId, Money amount, Instant now, Duration notFoundWindow) {
    this.id = UUID.randomUUID();
    this.notFoundFinalAt = now.plus(notFoundWindow);
    this.orderId = orderId;
    this.amountMinor = amount.amountMinor();
    this.currency = amount.currency();
    this.createdAt = now;
    this.updatedAt = now;
    this.nextCheckAt = now;
  }

  /** Whether a "not found" from the gateway now means it will never act on this request. */
  boolean notFoundIsFinal(Instant now) {
    return !now.isBefore(notFoundFinalAt);
  }

  public Money amount() {
    return new Money(amountMinor, currency);
  }

  /** Records a move to another state: the reference when the gateway gave one, no more checks once final. */
  void moved(String ref, boolean nowFinal, Instant now) {
    gatewayRef = ref != null ? ref : gatewayRef;
    updatedAt = now;
    nextCheckAt = nowFinal ? null : nextCheckAt;
  }
}
