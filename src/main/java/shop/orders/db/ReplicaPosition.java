package shop.orders.db;

import java.util.Arrays;

/**
 * How far behind the primary a replica is, as staleness: the replica holds everything the primary had committed at
 * the time of the newest primary WAL position it has replayed. The primary's position is sampled (time, LSN) on
 * every check and kept for a while; a replica's replay position then says which sample it has reached. This holds
 * whatever the cause of the lag: a slow or paused replay, a stalled network (the standby receives nothing and
 * believes itself current), an idle primary (nothing to replay is no lag).
 * <p>
 * Each server behind the replica's address is judged on its own ({@link #lagSecondsOf}): a read-only address may
 * balance connections over several standbys, each at its own position, so the server a read landed on is the one
 * whose position counts. A server that is not in recovery is fresh only when it is the primary itself (the same
 * postmaster, by its start time): any other primary is a promoted standby or a fenced primary that came back, a
 * fork whose WAL positions mean nothing against the primary's, and is never read.
 * <p>
 * One checker records samples and the position it saw ({@link #primaryAt}, {@link #replicaAt}); any thread may ask
 * ({@link #lagSecondsOf}, {@link #lagSeconds}): the samples are replaced, never changed in place.
 */
final class ReplicaPosition {
  private record Sample(long nanos, long lsn) {}

  /**
   * A server as one connection saw it: whether it is in recovery (a standby), the WAL position it has replayed (when
   * it is), and when its postmaster started (microseconds since the epoch), which tells the primary from a fork.
   */
  record Server(boolean inRecovery, long replayLsn, long startedAt) {
    static Server standby(long replayLsn, long startedAt) {
      return new Server(true, replayLsn, startedAt);
    }

    static Server notInRecovery(long startedAt) {
      return new Server(false, 0, startedAt);
    }
  }

  private final int keep;
  /** Oldest first; replaced on every sample. */
  private volatile Sample[] samples = new Sample[0];
  /** The primary's postmaster start time, from its latest sample. */
  private volatile long primaryStartedAt;
  private volatile boolean primaryKnown;
  /** When the newest primary position the checked replica holds was sampled; unknown until one is. */
  private volatile long holdsUpTo;
  private volatile boolean known;

  /** {@code keep}: how many primary samples to remember (beyond them the replica is only known to be far behind). */
  ReplicaPosition(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one sample");
    }
    this.keep = keep;
  }

  /** The primary's WAL position {@code lsn} read at {@code nanos}, from the postmaster started at {@code startedAt}. */
  void primaryAt(long nanos, long lsn, long startedAt) {
    Sample[] old = samples;
    int from = Math.max(0, old.length + 1 - keep);
    Sample[] next = Arrays.copyOfRange(old, from, old.length + 1);
    next[next.length - 1] = new Sample(nanos, lsn);
    primaryStartedAt = startedAt;
    primaryKnown = true;
    samples = next;
  }

  /** Whether {@code server} is a primary other than the one sampled: a fork, never to be read. */
  boolean isAnotherPrimary(Server server) {
    return !server.inRecovery() && !(primaryKnown && server.startedAt() == primaryStartedAt);
  }

  /** {@link #holdsAsOf}'s answer for a server known to hold no remembered sample, or a fork. */
  static final long NOTHING_PROVEN = Long.MIN_VALUE;

  /**
   * {@code server} holds every commit the primary had made at the returned time (ticker nanos): the newest remembered
   * sample it has replayed, {@code nowNanos} for the primary itself, {@link #NOTHING_PROVEN} for a standby that has
   * reached no remembered sample and for another primary. A standby's position only moves forward, so what it held
   * then it still holds: the answer stays a true bound for as long as the server is the same.
   */
  long holdsAsOf(Server server, long nowNanos) {
    if (isAnotherPrimary(server)) {
      return NOTHING_PROVEN;
    }
    if (!server.inRecovery()) {
      return nowNanos;
    }
    Sample[] all = samples;
    for (int i = all.length - 1; i >= 0; i--) {
      if (all[i].lsn() <= server.replayLsn()) {
        return all[i].nanos();
      }
    }
    return NOTHING_PROVEN;
  }

  /**
   * Seconds of the primary's commits {@code server} may be missing at {@code nowNanos}: 0 for the primary itself,
   * infinite for a standby that has reached no remembered sample and for another primary.
   */
  double lagSecondsOf(Server server, long nowNanos) {
    long heldAsOf = holdsAsOf(server, nowNanos);
    return heldAsOf == NOTHING_PROVEN ? Double.POSITIVE_INFINITY : Math.max(0, nowNanos - heldAsOf) / 1e9;
  }

  /**
   * The checked replica's position, read after the latest {@link #primaryAt}; true when it holds the latest sample
   * (reading it again a moment later can then tell no more). Another primary moves nothing and answers true.
   */
  boolean replicaAt(Server server) {
    if (isAnotherPrimary(server)) {
      return true;
    }
    Sample[] all = samples;
    if (all.length == 0) {
      return false;
    }
    long newest = all[all.length - 1].nanos();
    long heldAsOf = holdsAsOf(server, newest);
    if (heldAsOf == NOTHING_PROVEN) {
      return false;
    }
    if (!known || heldAsOf > holdsUpTo) {
      holdsUpTo = heldAsOf;
      known = true;
    }
    return heldAsOf == newest;
  }

  /**
   * Seconds of commits the checked replica may be missing at {@code nowNanos} (the lag gauge); infinite while it has
   * reached no sample.
   */
  double lagSeconds(long nowNanos) {
    return known ? Math.max(0, nowNanos - holdsUpTo) / 1e9 : Double.POSITIVE_INFINITY;
  }
}
