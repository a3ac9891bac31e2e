package shop.orders.db;

import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import javax.transaction.xa.XAException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * Failures that say "try again shortly", not "this request is wrong": no pool connection within the acquisition
 * timeout, a deadlock or serialization victim, a lock or statement timeout ({@code database-busy}), or no
 * connection to PostgreSQL at all ({@code database-unavailable}): refused, reset, closed under the statement
 * (SQLState class 08), ended by the server as it stops, fails over or is not accepting connections yet (57P01,
 * 57P02, 57P03), refused because the server has no connection slot left (53300), or a write that reached a server
 * that is read-only (25006: a primary demoted in a switchover, before the address moves to the new one). They
 * answer 503 + Retry-After; a retry with the same Idempotency-Key is safe. The transaction rolled
 * back (or never began), except when the connection was lost during the commit itself: then the change may or may
 * not have been made, the answer says so, and the retry with the same key answers what was done.
 * <p>
 * The failure is looked for wherever the transaction manager and the driver put it: in the causes, in suppressed
 * exceptions (a commit that failed arrives as a RollbackException whose XAException is suppressed, not its cause) and
 * in an SQLException's next exceptions (the driver chains the I/O error behind the server's last message).
 */
public final class DatabaseBusy {
  static final ApiException PROBLEM = new ApiException(Problem.of(503, "database-busy", "Service busy",
      "The service is at capacity and nothing was changed; retry shortly with the same Idempotency-Key."),
      Duration.ofSeconds(1));
  static final ApiException UNAVAILABLE = new ApiException(Problem.of(503, "database-unavailable",
      "Database unavailable", "The service cannot reach its database and nothing was changed; retry shortly with "
          + "the same Idempotency-Key."), Duration.ofSeconds(2));
  static final ApiException UNAVAILABLE_AT_COMMIT = new ApiException(Problem.of(503, "database-unavailable",
      "Database unavailable", "The connection to the database was lost while this request's change was being "
          + "committed, so it may or may not have been made; retry shortly with the same Idempotency-Key, and the "
          + "retry answers what was done."), Duration.ofSeconds(2));

  /** Serialization failure, deadlock, lock not available, statement or lock timeout (query canceled). */
  private static final Set<String> RETRYABLE_SQL_STATES = Set.of("40001", "40P01", "55P03", "57014");
  /**
   * The server ended the session or refuses it for now: admin_shutdown (a fast shutdown, a switchover, a session
   * terminated), crash_shutdown (another backend crashed), cannot_connect_now (starting up, shutting down, in
   * recovery), too_many_connections (no slot left for a new session), read_only_sql_transaction (the primary's
   * address reached a server that takes no writes: demoted, or not promoted yet).
   */
  private static final Set<String> SERVER_GONE_SQL_STATES = Set.of("57P01", "57P02", "57P03", "53300", "25006");
  /** Bounds the walk through a failure's causes, suppressed and next exceptions. */
  private static final int MAX_THROWABLES = 64;

  private DatabaseBusy() {
  }

  public static boolean isCause(Throwable e) {
    return find(e) != null || unreachable(e) != null;
  }

  /** The problem to answer: unreachable (during the commit, or before it) or busy. */
  public static ApiException problem(Throwable e) {
    if (unreachable(e) == null) {
      return PROBLEM;
    }
    return atCommit(e) ? UNAVAILABLE_AT_COMMIT : UNAVAILABLE;
  }

  /** A low-cardinality reason for the refusal metric: acquisition_timeout, lock_timeout, deadlock, ... */
  public static String reason(Throwable e) {
    if (unreachable(e) != null) {
      return atCommit(e) ? "unavailable_at_commit" : "unavailable";
    }
    var sql = find(e);
    if (sql == null) {
      return "other";
    }
    return switch (sql.getSQLState() == null ? "" : sql.getSQLState()) {
      case "40001" -> "serialization_failure";
      case "40P01" -> "deadlock";
      case "55P03" -> "lock_timeout";
      case "57014" -> "statement_timeout";
      default -> "acquisition_timeout";
    };
  }

  public static String describe(Throwable e) {
    var unreachable = unreachable(e);
    var sql = unreachable != null ? unreachable : find(e);
    return sql == null ? e.toString()
        : sql.getSQLState() + " " + sql.getMessage() + (unreachable != null && atCommit(e) ? " (at commit)" : "");
  }

  /** A lost connection: SQLState class 08 (refused, reset, closed) or the server ending the session. */
  private static SQLException unreachable(Throwable e) {
    for (Throwable t : related(e)) {
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || SERVER_GONE_SQL_STATES.contains(sql.getSQLState()))) {
        return sql;
      }
    }
    return null;
  }

  /** The failure came from the commit: the transaction manager's XAException around the connection's commit. */
  private static boolean atCommit(Throwable e) {
    for (Throwable t : related(e)) {
      if (t instanceof XAException) {
        return true;
      }
    }
    return false;
  }

  private static SQLException find(Throwable e) {
    for (Throwable t : related(e)) {
      if (t instanceof SQLException sql) {
        // Agroal says "Acquisition timeout while waiting for new connection", with no SQLState (Set.of refuses null)
        boolean noConnection = sql.getMessage() != null
            && sql.getMessage().toLowerCase(Locale.ROOT).contains("acquisition timeout");
        if (noConnection || (sql.getSQLState() != null && RETRYABLE_SQL_STATES.contains(sql.getSQLState()))) {
          return sql;
        }
      }
    }
    return null;
  }

  /**
   * {@code e}, its causes, suppressed exceptions and SQLException next exceptions, breadth first, each once, at most
   * {@link #MAX_THROWABLES}.
   */
  static Iterable<Throwable> related(Throwable e) {
    var seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
    var order = new java.util.ArrayList<Throwable>();
    var queue = new ArrayDeque<Throwable>();
    if (e != null) {
      queue.add(e);
    }
    while (!queue.isEmpty() && order.size() < MAX_THROWABLES) {
      Throwable t = queue.poll();
      if (!seen.add(t)) {
        continue;
      }
      order.add(t);
      if (t.getCause() != null) {
        queue.add(t.getCause());
      }
      Collections.addAll(queue, t.getSuppressed());
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        queue.add(sql.getNextException());
      }
    }
    return order;
  }
}
