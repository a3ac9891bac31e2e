package shop.orders.admission;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;
import java.util.Optional;

/**
 * Admission control in front of the database pool (admission.AdmissionControl). Limits derive from
 * {@code quarkus.datasource.jdbc.max-size} unless set.
 */
@ConfigMapping(prefix = "admission")
public interface AdmissionConfig {
  /** Refuse work the pool cannot serve at the door, instead of queueing it for a connection. */
  @WithDefault("true")
  boolean enabled();

  /** Connections kept for completing payments and handling webhooks: orders and reads use the rest. */
  @WithDefault("4")
  @PositiveOrZero
  int reserveForPayments();

  /** Reads in flight at most; default half the pool, so browsing cannot starve order writes. */
  Optional<Integer> maxReads();

  /**
   * Requests that may wait at the door for room; default as many as there are places for orders and reads. Beyond
   * it a request is refused at once, so in an overload most refusals take a millisecond, not the wait.
   */
  Optional<Integer> maxQueue();

  /**
   * How long a queued request may wait for room before it is refused: a few order transactions' time, to smooth a
   * burst, and short enough that a refusal still comes back well inside 50 ms.
   */
  @WithDefault("PT0.03S")
  Duration maxWait();

  /**
   * Places one customer (the subject of a valid token) may hold at once; beyond it 429 + Retry-After. A shopper's
   * page makes one or two such requests at a time; 4 leaves room for a second tab and a retry.
   */
  @WithDefault("4")
  @jakarta.validation.constraints.Positive
  int maxPerCustomer();

  /** Retry-After sent with the refusal. */
  @WithDefault("PT1S")
  Duration retryAfter();
}
