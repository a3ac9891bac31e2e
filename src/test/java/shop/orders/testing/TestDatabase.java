package shop.orders.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Plain JDBC to the schema the tests run against, for what a client cannot do: hold a row lock, age a row. */
public final class TestDatabase {
  /**
   * This run's schema: {@code ORDERS_TEST_SCHEMA}, a new one per Maven run (pom.xml), else {@code orders_test}. The
   * service's sessions carry it as their application name, and Redis keys it as their prefix.
   */
  public static final String SCHEMA = schema(System.getenv("ORDERS_TEST_SCHEMA"));
  public static final String URL = urlThrough(5432);

  static String schema(String given) {
    if (given == null || given.isBlank()) {
      return "orders_test";
    }
    if (!given.matches("[a-z][a-z0-9_]{0,40}")) {
      throw new IllegalArgumentException("ORDERS_TEST_SCHEMA must be a plain lower-case identifier: " + given);
    }
    return given;
  }

  /** The JDBC URL of this run's schema through a given local port (5432, or a proxy's). */
  public static String urlThrough(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?currentSchema=" + SCHEMA + "&ApplicationName=" + SCHEMA;
  }

  private TestDatabase() {
  }

  public static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, "postgres", "");
  }

  public static long count(String sql, Object... args) throws SQLException {
    return firstColumn(sql, args, rs -> rs.getLong(1));
  }

  /** The first column of the one row {@code sql} finds, as text (null when SQL null). */
  public static String text(String sql, Object... args) throws SQLException {
    return firstColumn(sql, args, rs -> rs.getString(1));
  }

  private interface Column<T> {
    T read(java.sql.ResultSet rs) throws SQLException;
  }

  private static <T> T firstColumn(String sql, Object[] args, Column<T> column) throws SQLException {
    try (var c = connect(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (var rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row for: " + sql);
        }
        return column.read(rs);
      }
    }
  }

  /** How many orders the customer has, whatever their state. */
  public static long ordersOf(String customerId) throws SQLException {
    return count("select count(*) from customer_order where customer_id = ?", customerId);
  }

  /** Sets a SKU's stock behind the service's back, as another instance or an operator with SQL would. */
  public static void setAvailable(String sku, int available) throws SQLException {
    try (var c = connect(); var st = c.prepareStatement("update product set available = ? where sku = ?")) {
      st.setInt(1, available);
      st.setString(2, sku);
      st.executeUpdate();
    }
  }

  /** Waits (5 s at most) until {@code count} sessions wait for a row lock; the message lists what the database does. */
  public static void awaitLockWaiters(int count) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and application_name = ?",
          SCHEMA) >= count) {
        return;
      }
      Thread.sleep(50);
    }
    var activity = new StringBuilder();
    try (var c = connect(); var rs = c.createStatement().executeQuery(
        "select state, wait_event_type, query from pg_stat_activity where application_name = '" + SCHEMA + "'")) {
      while (rs.next()) {
        activity.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(": ").append(rs.getString(3))
            .append('\n');
      }
    }
    throw new AssertionError("expected " + count + " sessions waiting for a row lock:\n" + activity);
  }
}
