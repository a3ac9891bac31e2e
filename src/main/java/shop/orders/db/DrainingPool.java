package shop.orders.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stopping instance gives its connections back to PostgreSQL once its clients have gone, instead of holding its
 * whole pool until the process exits. On SIGTERM it keeps serving for {@code quarkus.shutdown.delay} (load balancers
 * stop sending meanwhile); then its idle connections are closed at once and those still in use as they come back,
 * and none is opened ahead of need. In a rolling update the pod being replaced then holds only what its last
 * requests use (usually nothing) while its replacement opens its pool, so two replaced pods' pools never overlap
 * the new ones' beyond that: the chart's capacity guard counts one step of a rollout, which this makes true. The read
 * replica's pool (db.ReadReplica, when configured) is given back the same way.
 */
@ApplicationScoped
public class DrainingPool {
  private static final Logger LOG = Logger.getLogger(DrainingPool.class);

  private final List<AgroalDataSource> pools = new ArrayList<>();
  private final Duration delay;

  DrainingPool(AgroalDataSource pool, @DataSource("replica") InjectableInstance<AgroalDataSource> replica,
               @ConfigProperty(name = "quarkus.shutdown.delay") Duration delay) {
    this.pools.add(pool);
    if (replica.getHandle().getBean().isActive()) {
      this.pools.add(replica.get());
    }
    this.delay = delay;
  }

  void onDrain(@Observes ShutdownDelayInitiatedEvent event) {
    Thread.ofVirtual().name("draining-pool").start(() -> {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      release();
    });
  }

  /** Closes idle connections now and those in use when they are returned; opens none ahead of need. */
  void release() {
    for (AgroalDataSource pool : pools) {
      try {
        var config = pool.getConfiguration().connectionPoolConfiguration();
        config.setMinSize(0);
        pool.flush(AgroalDataSource.FlushMode.GRACEFUL);
      } catch (RuntimeException e) {
        LOG.warnf("Draining: could not give a pool's connections back (%s); they close when the process exits", e);
        return;
      }
    }
    LOG.infof("Draining: the pool's connections are given back to the database as they fall idle");
  }
}
