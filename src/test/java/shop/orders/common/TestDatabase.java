package shop.orders.common;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Plain JDBC to the schema the tests run against, for what a client cannot do: hold a row lock, age a row. */
public final class TestDatabase {
  public static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=orders_test";

  private TestDatabase() {
  }

  public static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, "postgres", "");
  }

  public static long count(String sql, Object... args) throws SQLException {
    try (var c = connect(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (var rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row for: " + sql);
        }
        return rs.getLong(1);
      }
    }
  }
}
