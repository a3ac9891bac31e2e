package shop.orders.catalog;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Drops sold-out markers when stock comes back: here at once after the releasing transaction commits, and on every
 * other instance through Redis pub/sub. Redis is only a messenger: when it is down the markers' short TTL bounds
 * how long another instance keeps refusing.
 */
@ApplicationScoped
public class StockReleaseBroadcast {
  private static final Logger LOG = Logger.getLogger(StockReleaseBroadcast.class);

  private final SoldOutMarkers markers;
  private final ReactiveRedisDataSource redis;
  private final CatalogConfig.SoldOut config;
  private volatile Cancellable subscription;

  StockReleaseBroadcast(SoldOutMarkers markers, ReactiveRedisDataSource redis, CatalogConfig config) {
    this.markers = markers;
    this.redis = redis;
    this.config = config.soldOut();
  }

  void released(@Observes(during = TransactionPhase.AFTER_SUCCESS) StockReleased event) {
    markers.clear(event.skus());
    if (!config.enabled()) {
      return;
    }
    redis.pubsub(String.class).publish(config.channel(), String.join(",", event.skus()))
        .ifNoItem().after(config.redisDeadline()).fail()
        .subscribe().with(receivers -> { }, failure ->
            LOG.debugf("Stock release of %s not broadcast (Redis: %s); other instances wait for the marker TTL",
                event.skus(), failure.toString()));
  }

  void listen(@Observes StartupEvent start) {
    if (!config.enabled()) {
      return;
    }
    subscription = redis.pubsub(String.class).subscribe(config.channel())
        .onFailure().invoke(f -> LOG.debugf("Stock release channel lost (%s); resubscribing", f.toString()))
        .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
        .subscribe().with(message -> markers.clear(Set.copyOf(Arrays.asList(message.split(",")))));
  }

  void stop(@Observes ShutdownEvent stop) {
    if (subscription != null) {
      subscription.cancel();
    }
  }
}
