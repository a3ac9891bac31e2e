package shop.orders.redis;

import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** What went wrong with Redis last, by kind, for metrics and the Redis health group. */
@ApplicationScoped
public class RedisFailures {
  private final InstantSource clock;

  RedisFailures(InstantSource clock) {
    this.clock = clock;
  }

  /** The last failure: its kind, Redis' own words (first line only) and when. */
  public record Last(String kind, String message, Instant at) {}

  private volatile Last last;

  void record(String kind, Throwable failure) {
    last = new Last(kind, firstLine(failure), clock.instant());
  }

  /** The first line of a failure's message: Redis' own words, without what a client library appended. */
  public static String firstLine(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  public Optional<Last> last() {
    return Optional.ofNullable(last);
  }

  /**
   * timeout (no answer within the deadline), misconf (Redis refuses writes: its disk is full or persistence
   * failed), rejected (out of memory, read-only replica, not enough replicas), connection, or other.
   */
  public static String kindOf(Throwable failure) {
    if (failure instanceof TimeoutException || failure instanceof io.smallrye.mutiny.TimeoutException) {
      return "timeout";
    }
    String message = String.valueOf(failure.getMessage());
    String upper = message.toUpperCase(Locale.ROOT);
    if (upper.startsWith("MISCONF")) {
      return "misconf";
    }
    if (upper.startsWith("OOM") || upper.startsWith("READONLY") || upper.startsWith("NOREPLICAS")) {
      return "rejected";
    }
    if (failure instanceof ConnectException || failure instanceof IOException || upper.contains("CONNECTION")) {
      return "connection";
    }
    return "other";
  }
}
