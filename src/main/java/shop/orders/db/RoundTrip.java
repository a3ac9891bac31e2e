package shop.orders.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Statements of several aggregates sent to PostgreSQL together, in one round trip: the JDBC driver sends a
 * multi-statement query as one batch of messages ending in one Sync, and each statement still runs with a snapshot of
 * its own. Each aggregate's *Rows class writes its {@link Part}: its SQL, its parameters and what it reads back; the
 * service that owns the transaction puts the parts in order. A statement that fails fails the round trip (and the
 * transaction): every part is told, in order, before the SQLException goes on.
 */
public final class RoundTrip {
  private RoundTrip() {
  }

  /** Binds a part's parameters from index {@code first}; returns the index after its last one. */
  @FunctionalInterface
  public interface Binder {
    int bind(Connection connection, PreparedStatement statement, int first) throws SQLException;
  }

  /** Reads a part's results: {@link Results#next()} once per statement of the part. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(Results results) throws SQLException;
  }

  /** {@code sql} (one or more statements separated by semicolons), its parameters and what it reads back. */
  public static <T> Part<T> part(String sql, Binder binder, Reader<T> reader) {
    return new Part<>(sql, binder, reader, e -> { });
  }

  /** One aggregate's statements in a round trip, and then their outcome. */
  public static final class Part<T> {
    private final String sql;
    private final Binder binder;
    private final Reader<T> reader;
    private final Consumer<SQLException> onFailure;
    private T result;
    private boolean read;

    private Part(String sql, Binder binder, Reader<T> reader, Consumer<SQLException> onFailure) {
      this.sql = sql;
      this.binder = binder;
      this.reader = reader;
      this.onFailure = onFailure;
    }

    /** This part, its outcome passed through {@code then} (which may refuse it by throwing). */
    public <R> Part<R> map(Function<? super T, ? extends R> then) {
      return new Part<>(sql, binder, results -> then.apply(reader.read(results)), onFailure);
    }

    /** This part, with {@code action} told when the round trip fails (PostgreSQL does not say which statement did). */
    public Part<T> whenFailed(Consumer<SQLException> action) {
      return new Part<>(sql, binder, reader, onFailure.andThen(action));
    }

    /** What the part read, once the round trip ran. */
    public T result() {
      if (!read) {
        throw new IllegalStateException("the round trip has not run");
      }
      return result;
    }

    private void readFrom(Results results) throws SQLException {
      result = reader.read(results);
      read = true;
    }
  }

  /** The results of a round trip, one statement after the other. */
  public static final class Results {
    private final PreparedStatement statement;
    private boolean started;

    Results(PreparedStatement statement) {
      this.statement = statement;
    }

    /** The next statement's rows, or null for a statement without any (read them before the next call). */
    public ResultSet next() throws SQLException {
      if (started) {
        statement.getMoreResults();
      }
      started = true;
      return statement.getResultSet();
    }
  }

  /** {@link #send(Connection, List)} of one part; its outcome. */
  public static <T> T run(Connection connection, Part<T> part) throws SQLException {
    send(connection, List.of(part));
    return part.result();
  }

  /** Sends the parts' statements in one round trip on the transaction's connection, then reads each part's outcome. */
  public static void send(Connection connection, List<? extends Part<?>> parts) throws SQLException {
    var sql = new StringJoiner(";\n");
    for (Part<?> part : parts) {
      sql.add(part.sql);
    }
    try (var statement = connection.prepareStatement(sql.toString())) {
      int index = 1;
      for (Part<?> part : parts) {
        index = part.binder.bind(connection, statement, index);
      }
      try {
        statement.execute();
      } catch (SQLException e) {
        for (Part<?> part : parts) {
          part.onFailure.accept(e);
        }
        throw e;
      }
      var results = new Results(statement);
      for (Part<?> part : parts) {
        part.readFrom(results);
      }
    }
  }
}
