package shop.orders.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Reads from a streaming standby (db.ReadReplica), configured as the datasource named {@code replica}
 * ({@code DB_REPLICA_URL}; without it every read goes to the primary).
 */
@ConfigMapping(prefix = "db.replica")
public interface ReplicaConfig {
  /**
   * Reads that may be stale go to the replica only while it holds everything the primary had committed this long
   * ago; further behind (or unreachable), they go to the primary. A customer's own recent changes are read from the
   * primary for this long plus {@link #checkEvery()} (read-your-writes).
   */
  @WithDefault("PT2S")
  Duration maxLag();

  /**
   * How often the replica's replay position is compared with the primary's WAL position (one tiny statement on each
   * per instance); the lag is known to within this. {@code @Scheduled} reads it by name; Quarkus' scheduler runs
   * nothing more often than once a second.
   */
  @WithDefault("PT1S")
  Duration checkEvery();
}
