package shop.orders.idempotency;

import shop.orders.db.RoundTrip;

import shop.orders.idempotency.IdempotencyKeys.StoredResponse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** The idempotency keys' SQL, in plain JDBC on the caller's transaction (see db.Jdbc). */
final class IdempotencyRows {
  /** A stored key: what it was used for, its response, and whether that response is final. */
  record Stored(String fingerprint, StoredResponse response, boolean completed) {}

  private static final String FIND = """
      select fingerprint, response_status, response_body, location, completed
      from idempotency_key where customer_id = ? and idem_key = ?""";

  private static final String LOCK_AND_FIND = "select pg_try_advisory_xact_lock(hashtextextended(?, 0));\n" + FIND;
  private static final String INSERT = """
      insert into idempotency_key
        (customer_id, idem_key, fingerprint, response_status, response_body, location, completed)
      values (?, ?, ?, ?, ?, ?, ?)""";

  private IdempotencyRows() {
  }

  /**
   * Takes the key's transaction-level advisory lock without waiting and reads what the key stored, in one round trip
   * of two statements: the read is a statement of its own, so its snapshot is taken once the lock is held and sees
   * a first request that committed while this one waited for the lock (one statement would read from a snapshot
   * taken before). {@code locked} false: another transaction holds the key.
   */
  record Claim(boolean locked, Optional<Stored> stored) {}

  static RoundTrip.Part<Claim> lockAndFindPart(String customerId, String key) {
    return RoundTrip.part(LOCK_AND_FIND, (c, claim, first) -> {
      claim.setString(first, customerId + '\n' + key);
      claim.setString(first + 1, customerId);
      claim.setString(first + 2, key);
      return first + 3;
    }, results -> {
      boolean locked;
      try (var rs = results.next()) {
        locked = rs.next() && rs.getBoolean(1);
      }
      try (var rs = results.next()) {
        return locked ? new Claim(true, stored(rs)) : new Claim(false, Optional.empty());
      }
    });
  }

  static Optional<Stored> find(Connection c, String customerId, String key) throws SQLException {
    try (var find = c.prepareStatement(FIND)) {
      find.setString(1, customerId);
      find.setString(2, key);
      try (var rs = find.executeQuery()) {
        return stored(rs);
      }
    }
  }

  private static Optional<Stored> stored(ResultSet rs) throws SQLException {
    return rs.next()
        ? Optional.of(new Stored(rs.getString(1), new StoredResponse(rs.getInt(2), rs.getString(3), rs.getString(4)),
            rs.getBoolean(5)))
        : Optional.empty();
  }

  /** The key and its response, stored (as a part of a round trip). */
  static RoundTrip.Part<Void> insertPart(String customerId, String key, String fingerprint, StoredResponse response,
                                     boolean completed) {
    return RoundTrip.part(INSERT, (c, insert, first) -> {
      insert.setString(first, customerId);
      insert.setString(first + 1, key);
      insert.setString(first + 2, fingerprint);
      insert.setInt(first + 3, response.status());
      insert.setString(first + 4, response.body());
      insert.setString(first + 5, response.location());
      insert.setBoolean(first + 6, completed);
      return first + 7;
    }, results -> {
      results.next();
      return null;
    });
  }

  static int complete(Connection c, String customerId, String key, StoredResponse response) throws SQLException {
    try (var update = c.prepareStatement("""
        update idempotency_key set response_status = ?, response_body = ?, location = ?, completed = true
        where customer_id = ? and idem_key = ?""")) {
      update.setInt(1, response.status());
      update.setString(2, response.body());
      update.setString(3, response.location());
      update.setString(4, customerId);
      update.setString(5, key);
      return update.executeUpdate();
    }
  }

  static int delete(Connection c, String customerId, String key) throws SQLException {
    try (var delete = c.prepareStatement("delete from idempotency_key where customer_id = ? and idem_key = ?")) {
      delete.setString(1, customerId);
      delete.setString(2, key);
      return delete.executeUpdate();
    }
  }

  /** Deletes at most {@code batch} keys created before {@code cutoff}; how many it deleted. */
  static int purge(Connection c, Instant cutoff, int batch) throws SQLException {
    try (var delete = c.prepareStatement("""
        delete from idempotency_key where ctid in (
          select ctid from idempotency_key where created_at < ? limit ?)""")) {
      delete.setTimestamp(1, Timestamp.from(cutoff));
      delete.setInt(2, batch);
      return delete.executeUpdate();
    }
  }
}
