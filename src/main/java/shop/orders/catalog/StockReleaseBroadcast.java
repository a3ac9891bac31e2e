package shop.orders.catalog;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import shop.orders.redis.RedisCalls;
import shop.orders.redis.RedisChannel;

import java.util.Arrays;
import java.util.Set;

/**
 * Drops sold-out markers when stock comes back: here at once after the releasing transaction commits, and on every
 * other instance through Redis pub/sub. When Redis is down the markers' short TTL bounds how long another instance
 * keeps refusing.
 */
@ApplicationScoped
public class StockReleaseBroadcast {
  private final SoldOutMarkers markers;
  private final CatalogConfig.SoldOut config;
  private final RedisChannel channel;

  StockReleaseBroadcast(SoldOutMarkers markers, ReactiveRedisDataSource redis, RedisCalls calls, CatalogConfig config) {
    this.markers = markers;
    this.config = config.soldOut();
    this.channel = new RedisChannel(redis, calls, calls.key(this.config.channel()), this.config.redisDeadline());
  }

  void released(@Observes(during = TransactionPhase.AFTER_SUCCESS) StockReleased event) {
    markers.clear(event.skus());
    if (config.enabled()) {
      channel.publish(String.join(",", event.skus()), "stock_release_broadcast");
    }
  }

  void listen(@Observes StartupEvent start) {
    if (config.enabled()) {
      channel.listen(message -> markers.clear(Set.copyOf(Arrays.asList(message.split(",")))));
    }
  }

  void stop(@Observes ShutdownEvent stop) {
    channel.close();
  }
}
