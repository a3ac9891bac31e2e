package shop.orders.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A Redis pub/sub channel that tells every instance something changed. Redis is only a messenger: a message lost
 * while Redis is down is made up for by the receiver's own expiry (a marker's or a cache entry's TTL).
 */
public final class RedisChannel {
  private static final Logger LOG = Logger.getLogger(RedisChannel.class);

  private final ReactiveRedisDataSource redis;
  private final RedisCalls calls;
  private final String name;
  private final Duration deadline;
  private volatile Cancellable subscription;

  public RedisChannel(ReactiveRedisDataSource redis, RedisCalls calls, String name, Duration deadline) {
    this.redis = redis;
    this.calls = calls;
    this.name = name;
    this.deadline = deadline;
  }

  /** Announces {@code message}; fire and forget, counted as a fallback ({@code use}) when Redis cannot take it. */
  public void publish(String message, String use) {
    calls.call(deadline, () -> redis.pubsub(String.class).publish(name, message))
        .subscribe().with(receivers -> { }, failure -> {
          calls.countFallback(use);
          LOG.debugf("Not announced on %s: %s (%s)", name, message, failure.toString());
        });
  }

  /** Delivers every message to {@code receiver}, resubscribing with back-off after Redis comes back. */
  public void listen(Consumer<String> receiver) {
    subscription = redis.pubsub(String.class).subscribe(name)
        .onFailure().invoke(f -> LOG.debugf("Channel %s lost (%s); resubscribing", name, f.toString()))
        .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
        .subscribe().with(receiver);
  }

  public void close() {
    if (subscription != null) {
      subscription.cancel();
    }
  }
}
