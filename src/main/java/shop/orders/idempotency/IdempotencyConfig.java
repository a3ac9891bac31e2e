package shop.orders.idempotency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Idempotency keys of POST requests (idempotency.IdempotencyKeys, idempotency.IdempotencyPurgeJob). */
@ConfigMapping(prefix = "idempotency")
public interface IdempotencyConfig {
  /** The shortest time a key is kept and answers replays; clients may retry for at least this long. */
  Duration MINIMUM_RETENTION = Duration.ofHours(24);

  /** How long a key is kept before the purge job deletes it; at least 24 h (checked at startup). */
  @WithDefault("PT24H")
  Duration retention();

  /**
   * How often the purge job runs (a scheduler period such as {@code 1h}, or {@code off}). {@code @Scheduled} reads it
   * by name; declared here so the key has its one default and is validated.
   */
  @WithDefault("1h")
  String purgeEvery();

  /** Rows deleted per purge statement, so one purge never holds locks for long. */
  @WithDefault("1000")
  @Positive
  int purgeBatchSize();
}
