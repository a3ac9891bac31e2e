package shop.orders.idempotency;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import shop.orders.db.Jdbc;

import java.time.Instant;
import java.time.InstantSource;

/** Deletes idempotency keys older than the retention, in small batches; harmless when several replicas run it. */
@ApplicationScoped
public class IdempotencyPurgeJob {
  private static final Logger LOG = Logger.getLogger(IdempotencyPurgeJob.class);
  private static final int MAX_BATCHES_PER_RUN = 1000;

  @Inject
  IdempotencyConfig config;
  @Inject
  Jdbc jdbc;
  @Inject
  InstantSource clock;

  void checkRetention(@Observes StartupEvent start) {
    if (config.retention().compareTo(IdempotencyConfig.MINIMUM_RETENTION) < 0) {
      throw new IllegalStateException("idempotency.retention must be at least " + IdempotencyConfig.MINIMUM_RETENTION
          + " (clients retry with the same key for that long); it is " + config.retention());
    }
  }

  @Scheduled(identity = "idempotency-purge", every = "${idempotency.purge-every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purge() {
    Instant cutoff = clock.instant().minus(config.retention());
    long total = 0;
    for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      int deleted = purgeBatch(cutoff);
      total += deleted;
      if (deleted < config.purgeBatchSize()) {
        break;
      }
    }
    if (total > 0) {
      LOG.infof("Purged %d idempotency keys created before %s", total, cutoff);
    }
  }

  /** One short transaction per batch; returns how many keys it deleted. */
  public int purgeBatch(Instant cutoff) {
    return jdbc.inNewTransaction(c -> IdempotencyRows.purge(c, cutoff, config.purgeBatchSize()));
  }
}
