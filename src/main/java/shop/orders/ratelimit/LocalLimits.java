package shop.orders.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The same GCRA as the Redis script, kept in this instance's memory for when Redis cannot answer in time: one
 * "theoretical arrival time" per key, at most {@code maxKeys} keys (the least recently used go first, and any idle
 * for 10 min).
 */
final class LocalLimits {
  private final InstantSource clock;
  private final Cache<String, long[]> arrivals;

  LocalLimits(InstantSource clock, int maxKeys) {
    this.clock = clock;
    this.arrivals = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofMinutes(10)).build();
  }

  /** 0 when a request is allowed now (and takes its slot), else the milliseconds until one is. */
  long waitMillis(String key, long intervalMillis, int burst) {
    long now = clock.millis();
    long[] tat = arrivals.get(key, k -> new long[] {now});
    synchronized (tat) {
      long start = Math.max(tat[0], now);
      long allowAt = start - intervalMillis * (burst - 1);
      if (now < allowAt) {
        return allowAt - now;
      }
      tat[0] = start + intervalMillis;
      return 0;
    }
  }
}
