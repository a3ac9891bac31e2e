package shop.orders.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The same GCRA as the Redis script, kept in this instance's memory: for the per-instance buckets, and for the shared
 * ones when Redis cannot answer in time. One "theoretical arrival time" per key, at most {@code maxKeys} keys (the
 * least recently used go first, and any idle for 10 min).
 */
final class LocalLimits {
  private final InstantSource clock;
  private final Cache<String, long[]> arrivals;

  LocalLimits(InstantSource clock, int maxKeys) {
    this.clock = clock;
    this.arrivals = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofMinutes(10)).build();
  }

  /** Counts a request against the key's allowance when it is allowed now. */
  Allowance take(String key, long intervalMillis, int burst) {
    long now = clock.millis();
    long[] tat = arrivals.get(key, k -> new long[] {now});
    synchronized (tat) {
      return Allowance.gcra(tat, now, intervalMillis, burst);
    }
  }

  /** 0 when a request is allowed now (and takes its slot), else the milliseconds until one is. */
  long waitMillis(String key, long intervalMillis, int burst) {
    return take(key, intervalMillis, burst).waitMillis();
  }

  /**
   * A GCRA decision: {@code waitMillis} 0 when allowed (the slot is taken), else how long until one is;
   * {@code remaining} requests allowed at once after this one; {@code resetMillis} until the allowance is whole.
   */
  record Allowance(long waitMillis, long remaining, long resetMillis) {
    /** The Redis script's arithmetic, on {@code tat[0]} (updated when allowed). */
    static Allowance gcra(long[] tat, long now, long interval, int burst) {
      long tolerance = interval * (burst - 1);
      long start = Math.max(tat[0], now);
      if (now < start - tolerance) {
        return new Allowance(start - tolerance - now, 0, start - now);
      }
      long next = start + interval;
      tat[0] = next;
      return new Allowance(0, Math.max(0, Math.floorDiv(now + tolerance - next, interval) + 1), next - now);
    }
  }
}
