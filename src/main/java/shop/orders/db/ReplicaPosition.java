package shop.orders.db;

import java.util.ArrayDeque;

/**
 * How far behind the primary a replica is, as staleness: the replica holds everything the primary had committed at
 * the time of the newest primary WAL position it has replayed. The primary's position is sampled (time, LSN) on
 * every check and kept for a while; the replica's replay position then says which sample it has reached. This holds
 * whatever the cause of the lag: a slow or paused replay, a stalled network (the standby receives nothing and
 * believes itself current), an idle primary (nothing to replay is no lag). Not thread-safe: one checker updates it.
 */
final class ReplicaPosition {
  private record Sample(long nanos, long lsn) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private final int keep;
  /** When the newest primary position the replica holds was sampled; unknown (never reached) until one is. */
  private volatile long holdsUpTo;
  private volatile boolean known;

  /** {@code keep}: how many primary samples to remember (beyond them the replica is only known to be far behind). */
  ReplicaPosition(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one sample");
    }
    this.keep = keep;
  }

  /** The primary's WAL position {@code lsn} read at {@code nanos}. */
  void primaryAt(long nanos, long lsn) {
    samples.addLast(new Sample(nanos, lsn));
    while (samples.size() > keep) {
      samples.removeFirst();
    }
  }

  /**
   * The replica's replay position, read after the latest {@link #primaryAt}; true when it holds the latest sample
   * (reading it again a moment later can then tell no more).
   */
  boolean replicaAt(long lsn) {
    var newest = samples.descendingIterator();
    boolean latest = true;
    while (newest.hasNext()) {
      Sample s = newest.next();
      if (s.lsn() <= lsn) {
        if (!known || s.nanos() > holdsUpTo) {
          holdsUpTo = s.nanos();
          known = true;
        }
        return latest;
      }
      latest = false;
    }
    return false;
  }

  /** Seconds of commits the replica may be missing at {@code nowNanos}; infinite while it has reached no sample. */
  double lagSeconds(long nowNanos) {
    return known ? Math.max(0, nowNanos - holdsUpTo) / 1e9 : Double.POSITIVE_INFINITY;
  }
}
