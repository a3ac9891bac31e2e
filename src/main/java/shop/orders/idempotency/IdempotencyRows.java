package shop.orders.idempotency;

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

  private IdempotencyRows() {
  }

  /**
   * Takes the key's transaction-level advisory lock without waiting and reads what the key stored, in one round trip
   * of two statements: the read is a statement of its own, so its snapshot is taken once the lock is held and sees
   * a first request that committed while this one waited for the lock (one statement would read from a snapshot
   * taken before). {@code locked} false: another transaction holds the key.
   */
  record Claim(boolean locked, Optional<Stored> stored) {}

  static Claim lockAndFind(Connection c, String customerId, String key) throws SQLException {
    try (var claim = c.prepareStatement("select pg_try_advisory_xact_lock(hashtextextended(?, 0));\n" + FIND)) {
      claim.setString(1, customerId + '\n' + key);
      claim.setString(2, customerId);
      claim.setString(3, key);
      claim.execute();
      boolean locked;
      try (var rs = claim.getResultSet()) {
        locked = rs.next() && rs.getBoolean(1);
      }
      if (!locked) {
        return new Claim(false, Optional.empty());
      }
      claim.getMoreResults();
      try (var rs = claim.getResultSet()) {
        return new Claim(true, stored(rs));
      }
    }
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

  static int insert(Connection c, String customerId, String key, String fingerprint, StoredResponse response,
                    boolean completed) throws SQLException {
    try (var insert = c.prepareStatement("""
        insert into idempotency_key
          (customer_id, idem_key, fingerprint, response_status, response_body, location, completed)
        values (?, ?, ?, ?, ?, ?, ?)""")) {
      insert.setString(1, customerId);
      insert.setString(2, key);
      insert.setString(3, fingerprint);
      insert.setInt(4, response.status());
      insert.setString(5, response.body());
      insert.setString(6, response.location());
      insert.setBoolean(7, completed);
      return insert.executeUpdate();
    }
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
