package shop.orders.order;

import shop.orders.db.RoundTrip;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The order's hand-written SQL, in plain JDBC on the caller's transaction (see db.Jdbc): writing a new order and its
 * lines, the purchase-limit lock and count, and locking expired orders. Plain reads and writes use the {@link Order}
 * entity.
 */
final class OrderRows {
  /** The advisory lock space of purchase limits (the first key of the two-key form). */
  private static final int PURCHASE_LIMIT_LOCKS = 0x4c494d54;   // "LIMT"

  /** The order, its lines and its placed event, in one statement. */
  private static final String INSERT = """
      with placed as (
        insert into customer_order (id, customer_id, status, total_minor, currency, created_at, expires_at,
                                    updated_at, event_seq)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?)),
      event as (
        insert into order_event (id, order_id, seq, type, occurred_at, data)
        values (?, ?, ?, ?, ?, ?::jsonb))
      insert into order_line (order_id, line_no, sku, quantity, unit_price_minor)
      select ?, l.line_no - 1, l.sku, l.quantity, l.unit_price_minor
      from unnest(?::text[], ?::int[], ?::bigint[])
        with ordinality as l(sku, quantity, unit_price_minor, line_no)""";

  private static final OrderStatusColumn STATUS = new OrderStatusColumn();

  private OrderRows() {
  }

  /** Serialises this customer's orders for limited products until the transaction ends. */
  static void lockPurchaseLimitsOf(Connection c, String customerId) throws SQLException {
    try (var lock = c.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
      lock.setInt(1, PURCHASE_LIMIT_LOCKS);
      lock.setString(2, customerId);
      lock.execute();
    }
  }

  /** Units of each of {@code skus} the customer holds in orders awaiting payment or paid (absent: none). */
  static Map<String, Integer> heldInLiveOrders(Connection c, String customerId, Collection<String> skus)
      throws SQLException {
    var held = new HashMap<String, Integer>();
    try (var query = c.prepareStatement("""
        select l.sku, sum(l.quantity) from customer_order o join order_line l on l.order_id = o.id
        where o.customer_id = ? and o.status in ('PENDING_PAYMENT', 'PAID') and l.sku = any(?)
        group by l.sku""")) {
      query.setString(1, customerId);
      query.setArray(2, c.createArrayOf("varchar", skus.toArray()));
      try (var rs = query.executeQuery()) {
        while (rs.next()) {
          held.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return held;
  }

  /**
   * Locks up to {@code limit} orders whose payment window has passed, skipping rows another replica (or a cancel)
   * holds, so several replicas can run the expiry job at once without waiting on or double-releasing each other.
   */
  static List<UUID> lockExpired(Connection c, Instant now, int limit) throws SQLException {
    try (var query = c.prepareStatement("""
        select id from customer_order
        where status = 'PENDING_PAYMENT' and expires_at <= ? and not payment_in_progress
        order by expires_at
        limit ?
        for update skip locked""")) {
      query.setTimestamp(1, Timestamp.from(now));
      query.setInt(2, limit);
      var ids = new ArrayList<UUID>();
      try (var rs = query.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
      }
      return ids;
    }
  }

  /** {@code id}, locked, when it is still due to expire at {@code now}; empty otherwise (or another holds it). */
  static List<UUID> lockExpired(Connection c, UUID id, Instant now) throws SQLException {
    try (var query = c.prepareStatement("""
        select id from customer_order
        where id = ? and status = 'PENDING_PAYMENT' and expires_at <= ? and not payment_in_progress
        for update skip locked""")) {
      query.setObject(1, id);
      query.setTimestamp(2, Timestamp.from(now));
      try (var rs = query.executeQuery()) {
        return rs.next() ? List.of(rs.getObject(1, UUID.class)) : List.of();
      }
    }
  }

  /**
   * The order, its lines and its first event (placed, with the order as the API shows it: {@code view}), in one
   * statement (one round trip, whatever the number of lines).
   */
  static RoundTrip.Part<Void> insertPart(Order order, String view) {
    List<OrderEvent> events = order.takeEvents();
    if (events.size() != 1 || events.getFirst().type() != OrderEvent.Type.PLACED) {
      throw new IllegalStateException("a new order has exactly its placed event, not " + events);
    }
    OrderEvent placed = events.getFirst();
    return RoundTrip.part(INSERT, (c, insert, first) -> {
      int i = first;
      insert.setObject(i++, order.id);
      insert.setString(i++, order.customerId);
      insert.setString(i++, order.status.name());
      insert.setLong(i++, order.totalMinor);
      insert.setString(i++, order.currency);
      insert.setTimestamp(i++, Timestamp.from(order.createdAt));
      insert.setTimestamp(i++, Timestamp.from(order.expiresAt));
      insert.setTimestamp(i++, Timestamp.from(order.updatedAt));
      insert.setInt(i++, order.eventSeq);
      OrderEventRows.setEvent(insert, i, placed, view);
      i += 6;
      insert.setObject(i++, order.id);
      insert.setArray(i++, c.createArrayOf("text", order.lines.stream().map(l -> l.sku).toArray()));
      insert.setArray(i++, c.createArrayOf("int4", order.lines.stream().map(l -> l.quantity).toArray()));
      insert.setArray(i++, c.createArrayOf("int8", order.lines.stream().map(l -> l.unitPriceMinor).toArray()));
      return i;
    }, results -> {
      results.next();
      return null;
    });
  }

  /**
   * A customer's orders after the position ({@code afterCreatedAt}, {@code afterId}) (null: from the newest), newest
   * first, {@code limit} at most, with their lines: read-only copies, on whichever server db.ReadReplica chose.
   */
  static List<Order> pageFor(Connection c, String customerId, Instant afterCreatedAt, UUID afterId, int limit)
      throws SQLException {
    var orders = new ArrayList<Order>();
    try (var select = c.prepareStatement("""
        select id, customer_id, status, total_minor, currency, created_at, expires_at from customer_order
        where customer_id = ?""" + (afterCreatedAt == null ? "" : " and (created_at, id) < (?, ?)")
        + " order by created_at desc, id desc limit ?")) {
      int i = 1;
      select.setString(i++, customerId);
      if (afterCreatedAt != null) {
        select.setObject(i++, afterCreatedAt.atOffset(ZoneOffset.UTC));
        select.setObject(i++, afterId);
      }
      select.setInt(i, limit);
      try (var rs = select.executeQuery()) {
        while (rs.next()) {
          var order = new Order();
          order.id = rs.getObject(1, UUID.class);
          order.customerId = rs.getString(2);
          order.status = STATUS.convertToEntityAttribute(rs.getString(3));
          order.totalMinor = rs.getLong(4);
          order.currency = rs.getString(5);
          order.createdAt = rs.getObject(6, OffsetDateTime.class).toInstant();
          order.expiresAt = rs.getObject(7, OffsetDateTime.class).toInstant();
          orders.add(order);
        }
      }
    }
    if (orders.isEmpty()) {
      return orders;
    }
    var byId = new HashMap<UUID, Order>();
    orders.forEach(o -> byId.put(o.id, o));
    try (var select = c.prepareStatement("""
        select order_id, sku, quantity, unit_price_minor from order_line where order_id = any(?)
        order by order_id, line_no""")) {
      select.setArray(1, c.createArrayOf("uuid", byId.keySet().toArray()));
      try (var rs = select.executeQuery()) {
        while (rs.next()) {
          byId.get(rs.getObject(1, UUID.class)).lines.add(new OrderLine(rs.getString(2), rs.getInt(3), rs.getLong(4)));
        }
      }
    }
    return orders;
  }
}
