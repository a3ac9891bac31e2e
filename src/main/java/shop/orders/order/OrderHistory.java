package shop.orders.order;

import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.db.ReadReplica;
import shop.orders.http.Cursor;
import shop.orders.http.Page;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer's orders, page by page: from the read replica (db.ReadReplica), except for a customer whose orders
 * changed moments ago ({@link RecentOrderChanges}), whose history comes from the primary so the order just placed,
 * paid or cancelled shows as it is now. One order ({@code GET /api/orders/{id}}) is always read from the primary.
 */
@ApplicationScoped
class OrderHistory {
  private static final Instant LATEST_POSITION = Instant.parse("9999-12-31T23:59:59Z");

  private final ReadReplica reads;
  private final RecentOrderChanges changes;

  OrderHistory(ReadReplica reads, RecentOrderChanges changes) {
    this.reads = reads;
    this.changes = changes;
  }

  Page<OrderView> page(String customerId, String cursor, String limit) {
    int size = Cursor.checkLimit(limit);
    Instant afterCreatedAt = null;
    UUID afterId = null;
    if (cursor != null) {
      String[] position = Cursor.decode(cursor).split("_", 2);
      try {
        afterCreatedAt = Instant.parse(position[0]);
        afterId = UUID.fromString(position[1]);
      } catch (RuntimeException e) {
        throw Cursor.refused();
      }
      // the positions this API writes: an order's creation, which PostgreSQL's timestamptz can hold
      if (afterCreatedAt.isBefore(Instant.EPOCH) || afterCreatedAt.isAfter(LATEST_POSITION)) {
        throw Cursor.refused();
      }
    }
    Instant after = afterCreatedAt;
    UUID afterOrder = afterId;
    var rows = changes.changedRecently(customerId)
        ? reads.primary(c -> OrderRows.pageFor(c, customerId, after, afterOrder, size + 1))
        : reads.read(c -> OrderRows.pageFor(c, customerId, after, afterOrder, size + 1));
    return Page.of(rows, size, OrderView::of, o -> o.createdAt + "_" + o.id);
  }
}
