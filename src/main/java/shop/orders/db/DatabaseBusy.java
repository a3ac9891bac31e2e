package shop.orders.db;

import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * Failures that say "try again shortly", not "this request is wrong": no pool connection within the acquisition
 * timeout, a deadlock or serialization victim, a lock or statement timeout ({@code database-busy}), or no
 * connection to PostgreSQL at all: refused, reset, closed under the statement (SQLState class 08,
 * {@code database-unavailable}). They answer 503 + Retry-After; the transaction rolled back (or never began), so a
 * retry with the same Idempotency-Key is safe.
 */
public final class DatabaseBusy {
  static final ApiException PROBLEM = new ApiException(Problem.of(503, "database-busy", "Service busy",
      "The service is at capacity and nothing was changed; retry shortly with the same Idempotency-Key."),
      Duration.ofSeconds(1));
  static final ApiException UNAVAILABLE = new ApiException(Problem.of(503, "database-unavailable",
      "Database unavailable", "The service cannot reach its database and nothing was changed; retry shortly with "
          + "the same Idempotency-Key."), Duration.ofSeconds(2));

  /** Serialization failure, deadlock, lock not available, statement or lock timeout (query canceled). */
  private static final Set<String> RETRYABLE_SQL_STATES = Set.of("40001", "40P01", "55P03", "57014");

  private DatabaseBusy() {
  }

  public static boolean isCause(Throwable e) {
    return find(e) != null || unreachable(e) != null;
  }

  /** The problem to answer: unreachable or busy. */
  public static ApiException problem(Throwable e) {
    return unreachable(e) != null ? UNAVAILABLE : PROBLEM;
  }

  /** A low-cardinality reason for the refusal metric: acquisition_timeout, lock_timeout, deadlock, ... */
  public static String reason(Throwable e) {
    if (unreachable(e) != null) {
      return "unavailable";
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
    return sql == null ? e.toString() : sql.getSQLState() + " " + sql.getMessage();
  }

  /** A connection failure: SQLState class 08 (refused, reset, closed), however deeply it is wrapped. */
  private static SQLException unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return sql;
      }
    }
    return null;
  }

  private static SQLException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        // Agroal says "Acquisition timeout while waiting for new connection", with no SQLState (Set.of refuses null)
        boolean noConnection = sql.getMessage() != null
            && sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout");
        if (noConnection || (sql.getSQLState() != null && RETRYABLE_SQL_STATES.contains(sql.getSQLState()))) {
          return sql;
        }
      }
    }
    return null;
  }
}
