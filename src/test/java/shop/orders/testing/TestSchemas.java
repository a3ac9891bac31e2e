package shop.orders.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps the per-run test schemas from piling up: when a test JVM ends, it drops its run's schemas ({@code
 * orders_test_<time>} and the ones named after it, {@code _crash}, {@code _startup}); when one starts, it drops those
 * of runs that began over six hours ago (a build killed before its end). Flyway creates the schema again for the
 * next test JVM of the same run (failsafe after surefire). A database that cannot be reached is left alone: the
 * tests then fail on their own, with their own message.
 */
public class TestSchemas implements LauncherSessionListener {
  private static final Pattern RUN = Pattern.compile("orders_test_(\\d{8}_\\d{6}_\\d{3})(_[a-z]+)?");
  private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS");
  private static final Duration STALE_AFTER = Duration.ofHours(6);

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LocalDateTime staleBefore = LocalDateTime.now(ZoneOffset.UTC).minus(STALE_AFTER);
    drop(name -> {
      var run = RUN.matcher(name);
      return run.matches() && startedBefore(run.group(1), staleBefore);
    });
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (RUN.matcher(TestDatabase.SCHEMA).matches()) {
      drop(name -> name.equals(TestDatabase.SCHEMA) || name.startsWith(TestDatabase.SCHEMA + "_"));
    }
  }

  static boolean startedBefore(String stamp, LocalDateTime limit) {
    try {
      return LocalDateTime.parse(stamp, STARTED).isBefore(limit);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private interface Selection {
    boolean includes(String schema);
  }

  private static void drop(Selection selection) {
    try (var c = TestDatabase.connect(); var st = c.createStatement()) {
      List<String> doomed = new ArrayList<>();
      try (var rs = st.executeQuery("select nspname from pg_namespace where nspname like 'orders\\_test\\_%'")) {
        while (rs.next()) {
          if (selection.includes(rs.getString(1))) {
            doomed.add(rs.getString(1));
          }
        }
      }
      st.execute("set lock_timeout = '5s'");
      for (String schema : doomed) {
        // the name matched RUN: lower-case letters, digits and underscores only
        st.execute("drop schema if exists " + schema + " cascade");
      }
    } catch (SQLException e) {
      System.err.println("Test schemas left in place: " + e.getMessage());
    }
  }
}
