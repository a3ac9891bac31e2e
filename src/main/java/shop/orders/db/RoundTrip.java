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

  /** One aggregate's statements in a round trip, and then their outcome. */
  public abstract static class Part<T> {
    private T result;
    private boolean read;

    /** One or more statements, separated by semicolons. */
    protected abstract String sql();

    /** Binds this part's parameters from index {@code first}; returns the index after its last one. */
    protected abstract int bind(Connection connection, PreparedStatement statement, int first) throws SQLException;

    /** Reads this part's results: {@link Results#next()} once per statement of {@link #sql()}. */
    protected abstract T read(Results results) throws SQLException;

    /** Told when the round trip failed (which statement failed, PostgreSQL does not say). */
    protected void failed(SQLException e) {
    }

    /** This part, its outcome passed through {@code then} (which may refuse it by throwing). */
    public final <R> Part<R> map(Function<? super T, ? extends R> then) {
      return new Wrapped<>(this, then, e -> { });
    }

    /** This part, with {@code onFailure} told when the round trip fails. */
    public final Part<T> whenFailed(Consumer<SQLException> onFailure) {
      return new Wrapped<>(this, Function.identity(), onFailure);
    }

    /** What {@link #read} returned, once the round trip ran. */
    public T result() {
      if (!read) {
        throw new IllegalStateException("the round trip has not run");
      }
      return result;
    }
  }

  /** A part's statements with its outcome mapped and its failure observed. */
  private static final class Wrapped<T, R> extends Part<R> {
    private final Part<T> inner;
    private final Function<? super T, ? extends R> then;
    private final Consumer<SQLException> onFailure;

    Wrapped(Part<T> inner, Function<? super T, ? extends R> then, Consumer<SQLException> onFailure) {
      this.inner = inner;
      this.then = then;
      this.onFailure = onFailure;
    }

    @Override
    protected String sql() {
      return inner.sql();
    }

    @Override
    protected int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
      return inner.bind(connection, statement, first);
    }

    @Override
    protected R read(Results results) throws SQLException {
      return then.apply(inner.read(results));
    }

    @Override
    protected void failed(SQLException e) {
      inner.failed(e);
      onFailure.accept(e);
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
    parts.forEach(p -> sql.add(p.sql()));
    try (var statement = connection.prepareStatement(sql.toString())) {
      int index = 1;
      for (Part<?> part : parts) {
        index = part.bind(connection, statement, index);
      }
      try {
        statement.execute();
      } catch (SQLException e) {
        parts.forEach(p -> p.failed(e));
        throw e;
      }
      var results = new Results(statement);
      for (Part<?> part : parts) {
        readInto(part, results);
      }
    }
  }

  private static <T> void readInto(Part<T> part, Results results) throws SQLException {
    part.result = part.read(results);
    part.read = true;
  }
}
