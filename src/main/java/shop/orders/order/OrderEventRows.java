package shop.orders.order;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The outbox relay's SQL, in plain JDBC on the caller's transaction. */
final class OrderEventRows {
  private OrderEventRows() {
  }

  /**
   * Takes or renews the lease {@code name} for {@code holder}: granted when nobody holds it, this holder does, or the
   * holder's lease has expired. The database's clock decides, so replicas' clocks need not agree.
   */
  static boolean takeLease(Connection c, String name, String holder, Duration lease) throws SQLException {
    try (var statement = c.prepareStatement("""
        insert into outbox_lease (name, holder, expires_at)
        values (?, ?, clock_timestamp() + ? * interval '1 millisecond')
        on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where outbox_lease.holder = excluded.holder or outbox_lease.expires_at < clock_timestamp()
        returning holder""")) {
      statement.setString(1, name);
      statement.setString(2, holder);
      statement.setLong(3, lease.toMillis());
      try (var rs = statement.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Unpublished events, oldest first, at most {@code limit}. */
  static List<OrderEventRelay.Row> unpublished(Connection c, int limit) throws SQLException {
    try (var query = c.prepareStatement("""
        select id, order_id, seq, type, occurred_at, data::text from order_event
        where published_at is null order by position limit ?""")) {
      query.setInt(1, limit);
      var rows = new ArrayList<OrderEventRelay.Row>();
      try (var rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(new OrderEventRelay.Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3),
              rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6)));
        }
      }
      return rows;
    }
  }

  static void markPublished(Connection c, List<UUID> ids, Instant at) throws SQLException {
    try (var update = c.prepareStatement(
        "update order_event set published_at = ? where id = any(?) and published_at is null")) {
      update.setTimestamp(1, Timestamp.from(at));
      update.setArray(2, c.createArrayOf("uuid", ids.toArray()));
      update.executeUpdate();
    }
  }

  /** Deletes up to {@code limit} events published before {@code before}; returns how many. */
  static int purgePublishedBefore(Connection c, Instant before, int limit) throws SQLException {
    try (var delete = c.prepareStatement("""
        delete from order_event where id in (
          select id from order_event where published_at < ? limit ?)""")) {
      delete.setTimestamp(1, Timestamp.from(before));
      delete.setInt(2, limit);
      return delete.executeUpdate();
    }
  }

  /**
   * {unpublished events (counted up to 1,000,000, so a long outage does not make the count itself slow), age in
   * milliseconds of the oldest of them by the database's clock (0 when none)}; the oldest is found by the relay's index.
   */
  static long[] backlog(Connection c) throws SQLException {
    try (var query = c.prepareStatement("""
        select (select count(*) from (select 1 from order_event where published_at is null limit 1000000) as p),
               coalesce((select (extract(epoch from clock_timestamp() - occurred_at) * 1000)::bigint
                         from order_event where published_at is null order by position limit 1), 0)""");
         var rs = query.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), Math.max(0, rs.getLong(2))};
    }
  }

  /** Gives the lease back when {@code holder} has it. */
  static void releaseLease(Connection c, String name, String holder) throws SQLException {
    try (var delete = c.prepareStatement("delete from outbox_lease where name = ? and holder = ?")) {
      delete.setString(1, name);
      delete.setString(2, holder);
      delete.executeUpdate();
    }
  }

  /** Events of changes to existing orders, each with its order as the API shows it after the change. */
  static void insertEvents(Connection c, List<OrderEvent> events, List<String> views) throws SQLException {
    try (var insert = c.prepareStatement("""
        insert into order_event (id, order_id, seq, type, occurred_at, data)
        values (?, ?, ?, ?, ?, ?::jsonb)""")) {
      for (int i = 0; i < events.size(); i++) {
        setEvent(insert, 1, events.get(i), views.get(i));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static void setEvent(PreparedStatement statement, int first, OrderEvent event, String view)
      throws SQLException {
    statement.setObject(first, event.id());
    statement.setObject(first + 1, event.orderId());
    statement.setInt(first + 2, event.sequence());
    statement.setString(first + 3, event.type().cloudEventType());
    statement.setTimestamp(first + 4, Timestamp.from(event.occurredAt()));
    statement.setString(first + 5, view);
  }
}
