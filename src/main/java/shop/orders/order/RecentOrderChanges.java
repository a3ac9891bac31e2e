package shop.orders.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.db.ReadReplica;
import shop.orders.db.ReplicaConfig;
import shop.orders.redis.RedisCalls;

import java.time.Duration;

/**
 * Customers whose orders changed moments ago, so their order history is read from the primary, not from a replica
 * that may not have replayed the change yet (read-your-writes, db.ReadReplica). A change is noted after its commit,
 * in this instance's memory at once and in Redis for every instance, for {@code db.replica.max-lag} plus
 * {@code db.replica.check-every}: the longest a replica that is still read can be missing it. When Redis cannot
 * take the note, only this instance knows; when Redis cannot say, the answer is "changed" and the primary answers:
 * never a stale history for a customer who just ordered on a reachable Redis, only a read the replica could have
 * taken.
 */
@ApplicationScoped
class RecentOrderChanges {
  private static final Logger LOG = Logger.getLogger(RecentOrderChanges.class);
  private static final String USE = "order_changes";

  private final ReactiveRedisDataSource redis;
  private final RedisCalls calls;
  private final OrderConfig config;
  private final Duration window;
  /** Only with a read replica is there a stale copy to read: without one, no note is written or looked up. */
  private final boolean enabled;
  private final Cache<String, Boolean> notedHere;

  RecentOrderChanges(ReactiveRedisDataSource redis, RedisCalls calls, OrderConfig config, ReplicaConfig replica,
                     ReadReplica reads) {
    this.enabled = reads.configured();
    this.redis = redis;
    this.calls = calls;
    this.config = config;
    this.window = replica.maxLag().plus(replica.checkEvery());
    this.notedHere = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
  }

  /** Call once the change committed; returns at once (the note is written in the background). */
  void changed(String customerId) {
    if (!enabled) {
      return;
    }
    String key = redisKey(customerId);
    notedHere.put(key, Boolean.TRUE);   // this instance's next read cannot overtake the note
    calls.call(config.redisDeadline(), () -> redis.value(String.class).psetex(key, window.toMillis(), "1"))
        .subscribe().with(done -> { }, failure -> {
          calls.countFallback(USE);
          LOG.debugf("Order change note in Redis failed: %s", failure.toString());
        });
  }

  /** Whether the customer's orders may have changed too recently for a replica to show it. Blocks briefly. */
  boolean changedRecently(String customerId) {
    if (!enabled) {
      return true;   // the primary answers every read anyway
    }
    String key = redisKey(customerId);
    if (notedHere.getIfPresent(key) != null) {
      return true;
    }
    try {
      return calls.call(config.redisDeadline(), () -> redis.key().exists(key))
          .await().atMost(config.redisDeadline().multipliedBy(2));
    } catch (RuntimeException failure) {
      calls.countFallback(USE);
      LOG.debugf("Order change lookup in Redis failed: %s", failure.toString());
      return true;
    }
  }

  private String redisKey(String customerId) {
    return calls.key("order-changed", customerId.length() + ":" + customerId);
  }
}
