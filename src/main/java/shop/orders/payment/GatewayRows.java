package shop.orders.payment;

import io.quarkus.hibernate.orm.panache.Panache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The payment side's hand-written SQL: leasing the payments and refunds whose outcome the gateway has not told yet,
 * in the caller's transaction. {@code for update skip locked} lets several replicas reconcile at once, each taking
 * other rows; the lease (next_check_at moved on) keeps a row from being asked about again before its time. Each
 * statement is a constant: nothing is built from values. Plain reads and writes use the {@link Payment} and
 * {@link Refund} entities.
 */
final class GatewayRows {
  /** The rows whose outcome is open, per table. */
  enum Open {
    PAYMENTS("""
        select id from payment where status in ('AUTHORIZING', 'UNKNOWN') and next_check_at <= :now
        order by next_check_at limit :limit for update skip locked""",
        "update payment set next_check_at = :next where id in (:ids)"),
    REFUNDS("""
        select id from refund where status in ('REFUNDING', 'UNKNOWN') and next_check_at <= :now
        order by next_check_at limit :limit for update skip locked""",
        "update refund set next_check_at = :next where id in (:ids)");

    private final String due;
    private final String lease;

    Open(String due, String lease) {
      this.due = due;
      this.lease = lease;
    }
  }

  private GatewayRows() {
  }

  /**
   * Up to {@code limit} open rows due at {@code now}, locked, their next check moved to {@code now + retryEvery}.
   * Call in a short transaction; the gateway is asked after it commits.
   */
  @SuppressWarnings("unchecked")
  static List<UUID> leaseDue(Open open, Instant now, int limit, Duration retryEvery) {
    var em = Panache.getEntityManager();
    List<UUID> due = em.createNativeQuery(open.due, UUID.class)
        .setParameter("now", now)
        .setParameter("limit", limit)
        .getResultList();
    if (!due.isEmpty()) {
      em.createNativeQuery(open.lease)
          .setParameter("next", now.plus(retryEvery))
          .setParameter("ids", due)
          .executeUpdate();
    }
    return due;
  }
}
