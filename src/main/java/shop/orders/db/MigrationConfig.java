package shop.orders.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * Schema migrations at start (db.SchemaMigrations). Every migration sets a short {@code lock_timeout} (a migration
 * waiting for a table's lock makes every statement behind it wait too: the order path would stop for as long as a
 * long transaction lasts); when it runs out, the migration rolls back and is tried again after a pause, until the
 * attempts are spent.
 */
@ConfigMapping(prefix = "db.migrations")
public interface MigrationConfig {
  /** Whether the application migrates the schema at start (the chart's migration Job does it once per release too). */
  @WithDefault("true")
  boolean atStart();

  /**
   * Attempts of a migration that gave up waiting for a lock, the first included. 10 attempts with the pauses below
   * wait out transactions of up to about a minute and a half; the application's own are cut after 5 s (statements)
   * and 10 s (idle in a transaction), so what outlasts that is someone else's, and the migration fails loudly.
   */
  @WithDefault("10")
  @Positive
  int attempts();

  /** Pause after the first attempt that ran out of lock time; doubled after each further one. */
  @WithDefault("PT0.5S")
  Duration firstPause();

  /** The longest pause between two attempts. */
  @WithDefault("PT15S")
  Duration longestPause();
}
