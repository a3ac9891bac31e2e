package shop.orders.payment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Paying a captured payment back. REFUNDING and UNKNOWN are open; REFUNDED and FAILED are final. */
@Entity
@Table(name = "refund")
public class Refund extends PanacheEntityBase {
  public enum Status { REFUNDING, REFUNDED, UNKNOWN, FAILED }

  @Id
  public UUID id;
  @Column(name = "payment_id")
  public UUID paymentId;
  @Column(name = "order_id")
  public UUID orderId;
  @Column(name = "amount_minor")
  public long amountMinor;
  public String currency;
  @Enumerated(EnumType.STRING)
  public Status status;
  @Column(name = "gateway_ref")
  public String gatewayRef;
  @Column(name = "created_at")
  public Instant createdAt;
  @Column(name = "updated_at")
  public Instant updatedAt;
  @Column(name = "next_check_at")
  public Instant nextCheckAt;

  static Refund of(Payment payment, Instant now) {
    var refund = new Refund();
    refund.id = UUID.randomUUID();
    refund.paymentId = payment.id;
    refund.orderId = payment.orderId;
    refund.amountMinor = payment.amountMinor;
    refund.currency = payment.currency;
    refund.status = Status.REFUNDING;
    refund.createdAt = now;
    refund.updatedAt = now;
    refund.nextCheckAt = now;
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
    gatewayRef = ref != null ? ref : gatewayRef;
    updatedAt = now;
    nextCheckAt = next == Status.REFUNDED || next == Status.FAILED ? null : nextCheckAt;
    return true;
  }

  @SuppressWarnings("unchecked")
  static List<UUID> lockDue(Instant now, int limit) {
    return getEntityManager().createNativeQuery("""
            select id from refund
            where status in ('REFUNDING', 'UNKNOWN') and next_check_at <= :now
            order by next_check_at
            limit :limit
            for update skip locked""", UUID.class)
        .setParameter("now", now)
        .setParameter("limit", limit)
        .getResultList();
  }
}
