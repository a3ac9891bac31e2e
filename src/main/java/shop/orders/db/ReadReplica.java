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
import org.postgresql.PGConnection;
import shop.orders.time.Ticker;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reads that may be a moment stale (catalog pages, products on a cache miss, order history) go to a streaming
 * standby, so the primary keeps its connections and CPU for orders and payments during a sale.
 * <p>
 * Which server answers: the server the replica's connection reached, when it holds everything the primary committed
 * up to {@code db.replica.max-lag} ago; otherwise, and when no replica is configured, it is unreachable, it is a
 * primary other than ours (a promoted standby, a fork) or it fails the read, the primary. The primary's WAL position is
 * sampled every {@code db.replica.check-every}; each read is judged by its own connection's server, whose replay
 * position is compared with those samples ({@link ReplicaPosition}; asked again only when what it was last shown to hold
 * no longer proves it fresh), so a read-only address that balances over several standbys is judged standby by
 * standby. A failed replica read is done again on the primary at once, so a replica going down fails
 * no request. The replica's datasource is excluded from readiness: a pod without its replica still serves everything,
 * and its sessions are read-only ({@code default_transaction_read_only}), so nothing can write through it.
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
  /** The primary's WAL position and when its postmaster started (microseconds since the epoch). */
  private static final String PRIMARY_SQL = "select (pg_current_wal_lsn() - '0/0')::bigint, "
      + "(extract(epoch from pg_postmaster_start_time()) * 1000000)::bigint";
  /** What a server behind the replica's address is: in recovery or not, replayed up to where, started when. */
  private static final String SERVER_SQL = "select pg_is_in_recovery(), "
      + "coalesce((pg_last_wal_replay_lsn() - '0/0')::bigint, -1), "
      + "(extract(epoch from pg_postmaster_start_time()) * 1000000)::bigint";

  /** Why a read went where it went (the {@code why} tag of {@code db.replica.reads}). */
  enum Route {
    REPLICA("replica", "fresh"),
    NOT_CONFIGURED("primary", "not_configured"),
    LAGGING("primary", "lagging"),
    FAILED("primary", "replica_failed"),
    NOT_A_STANDBY("primary", "not_a_standby"),
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
  /**
   * For each physical replica connection, as of when (ticker nanos) its server was last shown to hold every commit of
   * the primary; weak keys: a connection the pool closed is forgotten.
   */
  private final Map<Object, Long> provenAsOf = Collections.synchronizedMap(new WeakHashMap<>());
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
      try (Connection c = replica.getConnection()) {
        route = judge(c);
        if (route == Route.REPLICA) {
          T result = work.on(c);
          reads.get(Route.REPLICA).increment();
          return result;
        }
      } catch (SQLException e) {
        skipUntil = ticker.nanoTime() + config.checkEvery().toNanos();
        LOG.debugf("A replica read failed (%s); read from the primary", DatabaseBusy.describe(e));
        route = Route.FAILED;
      }
    }
    return primaryRead(work, route);
  }

  /**
   * Where a read on the replica connection {@code c} goes. Its server is asked where it stands only when what the last
   * read on the same physical connection learned no longer proves it fresh enough: a standby's position only moves
   * forward, so "held the primary's commits as of t" stays true, and such a server is read without asking while
   * {@code now - t} is within {@code db.replica.max-lag} (a healthy standby is asked about once a second per
   * connection, not once per read).
   */
  private Route judge(Connection c) throws SQLException {
    long now = ticker.nanoTime();
    long maxLag = config.maxLag().toNanos();
    Object physical = c.unwrap(PGConnection.class);
    Long proven = provenAsOf.get(physical);
    if (proven != null && now - proven <= maxLag) {
      return Route.REPLICA;
    }
    ReplicaPosition.Server server = server(c);
    if (position.isAnotherPrimary(server)) {
      provenAsOf.remove(physical);
      return Route.NOT_A_STANDBY;
    }
    long heldAsOf = position.holdsAsOf(server, now);
    if (heldAsOf == ReplicaPosition.NOTHING_PROVEN || now - heldAsOf > maxLag) {
      provenAsOf.remove(physical);
      return Route.LAGGING;
    }
    provenAsOf.put(physical, heldAsOf);
    return Route.REPLICA;
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
    // a check or a read found it unreachable a moment ago: the primary, without waiting on it again
    if (ticker.nanoTime() < skipUntil) {
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
    long[] primaryNow;
    try {
      primaryNow = on(primary, c -> longs(c, PRIMARY_SQL, 2));
    } catch (SQLException | RuntimeException e) {
      return;   // the primary is not there: the replica's lag is not known any better than before
    }
    position.primaryAt(sampledAt, primaryNow[0], primaryNow[1]);
    try {
      // a replica a few milliseconds behind a busy primary has not replayed its latest WAL yet: a second look a moment
      // later usually finds it there, so the lag is known to within milliseconds rather than a whole check interval
      for (int look = 0; look < REPLICA_LOOKS; look++) {
        if (look > 0) {
          Thread.sleep(LOOK_AGAIN_AFTER);
        }
        ReplicaPosition.Server server = on(replica, ReadReplica::server);
        if (position.isAnotherPrimary(server)) {
          // no skip: each read asks its own connection's server (one behind the address may still be a standby) and
          // is counted as turned away from a primary that is not ours
          if (!warned) {
            warned = true;
            LOG.warn("The read replica's address reaches a primary that is not the service's (a promoted standby or "
                + "a primary that came back after a failover): reads go to the primary until it is a standby again");
          }
          return;
        }
        if (position.replicaAt(server)) {
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

  /** The server {@code c} is connected to, as {@link ReplicaPosition} judges it. */
  static ReplicaPosition.Server server(Connection c) throws SQLException {
    try (var statement = c.createStatement(); var rs = statement.executeQuery(SERVER_SQL)) {
      if (!rs.next()) {
        throw new SQLException("no server state");
      }
      boolean inRecovery = rs.getBoolean(1);
      long replayed = rs.getLong(2);
      if (inRecovery && replayed < 0) {
        throw new SQLException("a standby with no replay position");
      }
      return inRecovery ? ReplicaPosition.Server.standby(replayed, rs.getLong(3))
          : ReplicaPosition.Server.notInRecovery(rs.getLong(3));
    }
  }

  private static long[] longs(Connection c, String sql, int columns) throws SQLException {
    try (var statement = c.createStatement(); var rs = statement.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      long[] values = new long[columns];
      for (int i = 0; i < columns; i++) {
        if (rs.getObject(i + 1) == null) {
          throw new SQLException("no value in column " + (i + 1) + " of " + sql);
        }
        values[i] = rs.getLong(i + 1);
      }
      return values;
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
