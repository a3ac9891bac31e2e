package shop.orders.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;
import java.util.Optional;

/**
 * Admission control in front of the database pool (ops.AdmissionControl). Limits derive from
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

  /** How long a request may wait at the door for room before it is refused. */
  @WithDefault("PT0.05S")
  Duration maxWait();

  /** Retry-After sent with the refusal. */
  @WithDefault("PT1S")
  Duration retryAfter();
}
