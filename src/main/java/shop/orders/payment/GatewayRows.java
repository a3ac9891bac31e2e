package shop.orders.payment;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The payment side's hand-written SQL: leasing the payments and refunds whose outcome the gateway has not told yet,
 * in plain JDBC on the caller's transaction (see db.Jdbc). {@code for update skip locked} lets several replicas
 * reconcile at once, each taking other rows; the lease (next_check_at moved on) keeps a row from being asked about
 * again before its time. Each statement is a constant: nothing is built from values. Plain reads and writes use the
 * {@link Payment} and {@link Refund} entities.
 */
final class GatewayRows {
  /** The rows whose outcome is open, per table. */
  enum Open {
    PAYMENTS("""
        select id from payment where status in ('AUTHORIZING', 'UNKNOWN') and next_check_at <= ?
        order by next_check_at limit ? for update skip locked""",
        "update payment set next_check_at = ? where id = any(?)"),
    REFUNDS("""
        select id from refund where status in ('REFUNDING', 'UNKNOWN') and next_check_at <= ?
        order by next_check_at limit ? for update skip locked""",
        "update refund set next_check_at = ? where id = any(?)");

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
  static List<UUID> leaseDue(Connection c, Open open, Instant now, int limit, Duration retryEvery)
      throws SQLException {
    List<UUID> due = new ArrayList<>();
    try (var select = c.prepareStatement(open.due)) {
      select.setTimestamp(1, Timestamp.from(now));
      select.setInt(2, limit);
      try (var rs = select.executeQuery()) {
        while (rs.next()) {
          due.add(rs.getObject(1, UUID.class));
        }
      }
    }
    if (!due.isEmpty()) {
      try (var lease = c.prepareStatement(open.lease)) {
        lease.setTimestamp(1, Timestamp.from(now.plus(retryEvery)));
        lease.setArray(2, c.createArrayOf("uuid", due.toArray()));
        lease.executeUpdate();
      }
    }
    return due;
  }
}
