package shop.orders.db;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import shop.orders.testing.TestDatabase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A migration that cannot take its lock gives up after its own lock_timeout, rolls back and is tried again after a
 * growing pause, so it never queues behind a long transaction with the order path queued behind it; any other
 * failure is not retried. The last test runs Flyway on the real PostgreSQL (a schema of its own) while a long
 * transaction holds the table, and a reader standing for the order path is never held up past the migration's
 * lock_timeout.
 */
class SchemaMigrationsTests {
  private static final SQLException LOCK_TIMEOUT =
      new SQLException("canceling statement due to lock timeout", SchemaMigrations.LOCK_NOT_AVAILABLE);

  /** The settings under test (a record: an anonymous class would carry the interface's constraints into CDI). */
  record Settings(boolean atStart, int attempts, Duration firstPause, Duration longestPause)
      implements MigrationConfig {
  }

  private static MigrationConfig config(int attempts, Duration first, Duration longest) {
    return new Settings(true, attempts, first, longest);
  }

  @Test
  void aLockTimeoutIsTriedAgainAfterPausesThatDoubleUpToTheLongest() throws Exception {
    var calls = new AtomicInteger();
    List<Duration> pauses = new ArrayList<>();
    String result = SchemaMigrations.migrate(() -> {
      if (calls.incrementAndGet() <= 4) {
        throw new RuntimeException("Migration V9 failed", LOCK_TIMEOUT);
      }
      return "migrated";
    }, config(10, Duration.ofMillis(500), Duration.ofMillis(1500)), pauses::add);

    assertThat(result).isEqualTo("migrated");
    assertThat(calls).hasValue(5);
    assertThat(pauses).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(1500),
        Duration.ofMillis(1500));
  }

  @Test
  void theLastAttemptsFailureIsThrown() {
    var calls = new AtomicInteger();
    List<Duration> pauses = new ArrayList<>();
    assertThatThrownBy(() -> SchemaMigrations.migrate(() -> {
      calls.incrementAndGet();
      throw new RuntimeException("Migration V9 failed", LOCK_TIMEOUT);
    }, config(3, Duration.ofMillis(10), Duration.ofSeconds(1)), pauses::add))
        .hasRootCauseMessage("canceling statement due to lock timeout");
    assertThat(calls).hasValue(3);
    assertThat(pauses).hasSize(2);
  }

  @Test
  void anyOtherFailureIsNotTriedAgain() {
    var calls = new AtomicInteger();
    assertThatThrownBy(() -> SchemaMigrations.migrate(() -> {
      calls.incrementAndGet();
      throw new RuntimeException("Migration V9 failed",
          new SQLException("column \"note\" contains null values", "23502"));
    }, config(10, Duration.ofMillis(10), Duration.ofSeconds(1)), pause -> { }))
        .hasRootCauseMessage("column \"note\" contains null values");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aMigrationWaitsOutALongTransactionWithoutHoldingUpTheOrderPath() throws Exception {
    String schema = TestDatabase.SCHEMA + "_lock_migration";
    String url = "jdbc:postgresql://127.0.0.1:5432/postgres";
    try (Connection admin = DriverManager.getConnection(url, "postgres", "")) {
      admin.createStatement().execute("drop schema if exists " + schema + " cascade");
      admin.createStatement().execute("create schema " + schema);
      admin.createStatement().execute("create table " + schema + ".held (id int primary key)");
      admin.createStatement().execute("insert into " + schema + ".held values (1)");
    }
    Flyway flyway = Flyway.configure().dataSource(url, "postgres", "").schemas(schema)
        .locations("classpath:db/lock-test").baselineOnMigrate(true).baselineVersion("0").load();

    try (Connection holder = DriverManager.getConnection(url, "postgres", "");
         Connection reader = DriverManager.getConnection(url, "postgres", "")) {
      // a long transaction (a report, a stuck session) that read the table and holds it for 2.5 s
      holder.setAutoCommit(false);
      holder.createStatement().executeQuery("select count(*) from " + schema + ".held").close();
      CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(2_500);
          holder.rollback();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // the order path meanwhile: short reads with the application's lock timeout (2 s), every 50 ms
      reader.createStatement().execute("set lock_timeout = '2s'");
      var readerFailures = new AtomicInteger();
      var reads = new AtomicInteger();
      CompletableFuture<Void> orderPath = CompletableFuture.runAsync(() -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_500);
        while (System.nanoTime() < until) {
          try (var rs = reader.createStatement().executeQuery("select id from " + schema + ".held where id = 1")) {
            rs.next();
            reads.incrementAndGet();
          } catch (SQLException e) {
            readerFailures.incrementAndGet();
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });

      List<Duration> pauses = new ArrayList<>();
      var result = SchemaMigrations.migrate(flyway::migrate, config(10, Duration.ofMillis(200),
          Duration.ofSeconds(2)), pause -> {
        pauses.add(pause);
        Thread.sleep(pause.toMillis());
      });
      release.get(10, TimeUnit.SECONDS);
      orderPath.get(10, TimeUnit.SECONDS);

      assertThat(result.success).isTrue();
      assertThat(pauses).as("attempts that gave up waiting for the lock").isNotEmpty();
      assertThat(readerFailures).as("reads that ran out of their own 2 s lock timeout behind the migration").hasValue(0);
      assertThat(reads.get()).as("reads done while the migration was retrying").isGreaterThan(20);
    }
    try (Connection check = DriverManager.getConnection(url, "postgres", "");
         var rs = check.createStatement().executeQuery("select count(*) from information_schema.columns "
             + "where table_schema = '" + schema + "' and table_name = 'held' and column_name = 'note'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the column the migration adds").isEqualTo(1);
      check.createStatement().execute("drop schema " + schema + " cascade");
    }
  }
}
