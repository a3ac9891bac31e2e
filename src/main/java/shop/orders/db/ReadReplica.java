package shop.orders.db;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import shop.orders.time.Ticker;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads that may be a moment stale (catalog pages, products on a cache miss, order history) go to a streaming
 * standby, so the primary keeps its connections and CPU for orders and payments during a sale.
 * <p>
 * Which server answers: the replica while it holds everything the primary committed up to
 * {@code db.replica.max-lag} ago (measured every {@code db.replica.check-every} by comparing WAL positions, see
 * {@link ReplicaPosition}); otherwise, and when it is not configured, unreachable or fails the read, the primary. A
 * failed replica read is done again on the primary at once, so a replica going down fails no request. The replica's
 * datasource is excluded from readiness: a pod without its replica still serves everything.
 * <p>
 * Reads run in autocommit, outside any transaction, on a connection of their own: callers must not need them to see
 * their own uncommitted writes. What a customer just changed is read with {@link #primary} (read-your-writes).
 */
@ApplicationScoped
public class ReadReplica {
  private static final Logger LOG = Logger.getLogger(ReadReplica.class);
  /** Primary samples kept: with the default check every second, two minutes of them. */
  private static final int SAMPLES = 120;
  /** How often one check reads the replica's position at most, and how long it waits before looking again. */
  private static final int REPLICA_LOOKS = 3;
  private static final Duration LOOK_AGAIN_AFTER = Duration.ofMillis(20);

  /** Why a read went where it went (the {@code why} tag of {@code db.replica.reads}). */
  enum Route {
    REPLICA("replica", "fresh"),
    NOT_CONFIGURED("primary", "not_configured"),
    LAGGING("primary", "lagging"),
    FAILED("primary", "replica_failed"),
    ASKED("primary", "read_your_writes");

    final String servedBy;
    final String why;

    Route(String servedBy, String why) {
      this.servedBy = servedBy;
      this.why = why;
    }
  }

  private final AgroalDataSource primary;
  private final AgroalDataSource replica;
  private final ReplicaConfig config;
  private final Ticker ticker;
  private final ReplicaPosition position = new ReplicaPosition(SAMPLES);
  private final Map<Route, Counter> reads = new EnumMap<>(Route.class);
  /** After a failed replica read or check, reads skip the replica until this (ticker nanos). */
  private volatile long skipUntil = Long.MIN_VALUE;
  private volatile boolean warned;
  /** The instance is stopping: no more checks, which would open connections the drain gives back (DrainingPool). */
  private volatile boolean stopping;

  ReadReplica(AgroalDataSource primary, @DataSource("replica") InjectableInstance<AgroalDataSource> replica,
              ReplicaConfig config, Ticker ticker, MeterRegistry registry) {
    this.primary = primary;
    this.replica = replica.getHandle().getBean().isActive() ? replica.get() : null;
    this.config = config;
    this.ticker = ticker;
    for (Route route : Route.values()) {
      reads.put(route, Counter.builder("db.replica.reads")
          .description("Reads that may be stale, by the server that answered them and why")
          .tags("served_by", route.servedBy, "why", route.why).register(registry));
    }
    if (this.replica != null) {
      Gauge.builder("db.replica.lag", this, r -> r.lagSeconds())
          .description("Seconds of the primary's commits the replica may be missing (known to within "
              + "db.replica.check-every); reads go to the primary above db.replica.max-lag")
          .baseUnit("seconds").register(registry);
      Gauge.builder("db.replica.max.lag", config, c -> c.maxLag().toMillis() / 1000.0)
          .description("db.replica.max-lag of this pod").baseUnit("seconds").register(registry);
    }
  }

  /** Work that may see the database up to {@code db.replica.max-lag} behind: on the replica when it is that fresh. */
  public <T> T read(Jdbc.Work<T> work) {
    Route route = route();
    if (route == Route.REPLICA) {
      try {
        T result = on(replica, work);
        reads.get(Route.REPLICA).increment();
        return result;
      } catch (SQLException e) {
        skipUntil = ticker.nanoTime() + config.checkEvery().toNanos();
        LOG.debugf("A replica read failed (%s); read from the primary", DatabaseBusy.describe(e));
        route = Route.FAILED;
      }
    }
    return primaryRead(work, route);
  }

  /** Work that must see every commit so far (what the caller just changed): on the primary. */
  public <T> T primary(Jdbc.Work<T> work) {
    return primaryRead(work, replica == null ? Route.NOT_CONFIGURED : Route.ASKED);
  }

  private <T> T primaryRead(Jdbc.Work<T> work, Route route) {
    try {
      T result = on(primary, work);
      reads.get(route).increment();
      return result;
    } catch (SQLException e) {
      throw new Jdbc.Failure(e);
    }
  }

  Route route() {
    if (replica == null) {
      return Route.NOT_CONFIGURED;
    }
    if (ticker.nanoTime() < skipUntil || lagSeconds() > config.maxLag().toNanos() / 1e9) {
      return Route.LAGGING;
    }
    return Route.REPLICA;
  }

  double lagSeconds() {
    return position.lagSeconds(ticker.nanoTime());
  }

  private static <T> T on(AgroalDataSource source, Jdbc.Work<T> work) throws SQLException {
    try (Connection c = source.getConnection()) {
      return work.on(c);
    }
  }

  /** Samples the primary's WAL position, then reads how far the replica has replayed. */
  @Scheduled(identity = "replica-position", every = "${db.replica.check-every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NoReplica.class)
  void check() {
    if (stopping) {
      return;
    }
    long sampledAt = ticker.nanoTime();
    long primaryLsn;
    try {
      primaryLsn = on(primary, c -> lsn(c, "select (pg_current_wal_lsn() - '0/0')::bigint"));
    } catch (SQLException | RuntimeException e) {
      return;   // the primary is not there: the replica's lag is not known any better than before
    }
    position.primaryAt(sampledAt, primaryLsn);
    try {
      // a replica that was promoted (or a primary behind the read-only address) holds what it has written
      String sql = "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end "
          + "- '0/0')::bigint";
      // a replica a few milliseconds behind a busy primary has not replayed its latest WAL yet: a second look a moment
      // later usually finds it there, so the lag is known to within milliseconds rather than a whole check interval
      for (int look = 0; look < REPLICA_LOOKS; look++) {
        if (look > 0) {
          Thread.sleep(LOOK_AGAIN_AFTER);
        }
        if (position.replicaAt(on(replica, c -> lsn(c, sql)))) {
          break;
        }
      }
      warned = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      skipUntil = ticker.nanoTime() + config.checkEvery().toNanos();
      if (!warned) {
        warned = true;
        LOG.warnf("The read replica cannot be reached (%s): reads go to the primary until it can",
            DatabaseBusy.describe(e));
      }
    }
  }

  private static long lsn(Connection c, String sql) throws SQLException {
    try (var statement = c.createStatement(); var rs = statement.executeQuery(sql)) {
      if (!rs.next() || rs.getObject(1) == null) {
        throw new SQLException("no WAL position");
      }
      return rs.getLong(1);
    }
  }

  void onDrain(@Observes ShutdownDelayInitiatedEvent event) {
    stopping = true;
  }

  /** Whether a replica is configured at all (DB_REPLICA_URL): without one every read is the primary's. */
  public boolean configured() {
    return replica != null;
  }

  /** Skips the check when no replica is configured. */
  @ApplicationScoped
  static class NoReplica implements Scheduled.SkipPredicate {
    private final ReadReplica replica;

    NoReplica(ReadReplica replica) {
      this.replica = replica;
    }

    @Override
    public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
      return !replica.configured();
    }
  }
}
