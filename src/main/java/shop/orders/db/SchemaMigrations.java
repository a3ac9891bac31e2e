package shop.orders.db;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Migrates the schema at start, before anything else starts (the first observer of the start event, which comes
 * before the HTTP server listens), through Flyway on a connection of its own (db.MigrationConnection): not one of the
 * pool's, whose statement timeout would cut a long backfill and whose settings a migration's {@code SET} would leave
 * behind. A migration that runs out of {@code lock_timeout} rolls back and is tried again after a pause
 * (db.MigrationConfig); any other failure stops the start, as Quarkus' own migrate-at-start would.
 * <p>
 * The chart's migration Job does not come here: Quarkus' migrate-and-exit mode ({@code quarkus.init-and-exit}) stops
 * before the start event, so the Job migrates with Quarkus' own migrate-at-start (on the same connection of its own)
 * and a lock timeout fails the Job's pod, which Kubernetes starts again with back-off ({@code backoffLimit}).
 */
@ApplicationScoped
public class SchemaMigrations {
  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class);
  /** PostgreSQL's lock_not_available: lock_timeout ran out (or NOWAIT found the lock taken). */
  static final String LOCK_NOT_AVAILABLE = "55P03";

  /** Sleeps between attempts; tests pass one that records instead. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration pause) throws InterruptedException;
  }

  void migrateAtStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
                      MigrationConfig config, Instance<Flyway> flyway) throws InterruptedException {
    if (config.atStart()) {
      MigrateResult result = migrate(flyway.get()::migrate, config, Thread::sleep);
      if (result.migrationsExecuted > 0) {
        LOG.infof("schema migrated to version %s (%d migrations)", result.targetSchemaVersion,
            result.migrationsExecuted);
      }
    }
  }

  /**
   * Runs {@code migration} until it succeeds, fails for another reason than a lock it could not take, or the
   * attempts are spent (then the last failure is thrown).
   */
  public static <T> T migrate(java.util.concurrent.Callable<T> migration, MigrationConfig config, Pause pause)
      throws InterruptedException {
    Duration next = config.firstPause();
    for (int attempt = 1; ; attempt++) {
      try {
        return migration.call();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (!lockNotAvailable(e) || attempt >= config.attempts()) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        LOG.warnf("migration attempt %d of %d gave up waiting for a lock (another transaction holds it); "
            + "trying again in %d ms", attempt, config.attempts(), next.toMillis());
        pause.sleep(next);
        next = next.multipliedBy(2).compareTo(config.longestPause()) > 0 ? config.longestPause()
            : next.multipliedBy(2);
      }
    }
  }

  /** True when {@code failure} or one of its causes is PostgreSQL's lock_not_available. */
  static boolean lockNotAvailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("SQL State  : " + LOCK_NOT_AVAILABLE)) {
        return true; // Flyway sometimes keeps only the state in its message
      }
    }
    return false;
  }
}
