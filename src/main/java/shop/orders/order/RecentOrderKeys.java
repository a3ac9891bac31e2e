package shop.orders.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.idempotency.IdempotencyConfig;
import shop.orders.ratelimit.RateLimiter;
import shop.orders.redis.RedisCalls;

/**
 * Which idempotency keys have an order behind them, kept in Redis so the sold-out short circuit can tell a new
 * buyer (refuse at once) from a client retrying an order that succeeded (its first response must be replayed from
 * the database). Every call is bounded; when Redis cannot answer, the answer is "maybe" and the database decides.
 */
@ApplicationScoped
public class RecentOrderKeys {
  private static final Logger LOG = Logger.getLogger(RecentOrderKeys.class);

  private final ReactiveRedisDataSource redis;
  private final OrderConfig config;
  private final IdempotencyConfig idempotency;
  private final RedisCalls calls;
  private final Cache<String, Boolean> notInRedis;

  RecentOrderKeys(ReactiveRedisDataSource redis, RedisCalls calls, OrderConfig config, IdempotencyConfig idempotency) {
    this.redis = redis;
    this.calls = calls;
    this.config = config;
    this.idempotency = idempotency;
    this.notInRedis = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(idempotency.retention()).build();
  }

  /**
   * One order's key on its way to the transaction, noted in Redis in the same call as the customer's rate limit
   * ({@link #mark()}): before the transaction, so a key is noted that may end without an order (a retry of it is
   * then decided by the database, as it would be without Redis), never the reverse. When Redis cannot take it (down,
   * or refusing writes with MISCONF while still answering reads) the key is kept in this instance's memory instead,
   * so a retry reaching this instance is decided by the database, not refused as sold out.
   */
  final class Placing {
    private final RateLimiter.Mark mark;
    private volatile boolean first;

    private Placing(String redisKey) {
      this.mark = new RateLimiter.Mark(redisKey, idempotency.retention(), () -> first = true, () -> {
        notInRedis.put(redisKey, Boolean.TRUE);
        calls.countFallback("order_keys");
      });
    }

    RateLimiter.Mark mark() {
      return mark;
    }

    /**
     * True when Redis said this request noted the key first: no earlier request with it reached the database, so
     * if its SKU sold out while it waited it is refused like a new buyer, without asking Redis about its own note.
     */
    boolean isFirst() {
      return first;
    }
  }

  Placing placing(String customerId, String key) {
    return new Placing(redisKey(customerId, key));
  }

  /**
   * Whether this key may have placed an order: true when Redis or this instance's memory says so, and also when
   * Redis does not answer within the deadline (then the database decides).
   */
  Uni<Boolean> mayHavePlacedAnOrder(String customerId, String key) {
    String redisKey = redisKey(customerId, key);
    if (notInRedis.getIfPresent(redisKey) != null) {
      return Uni.createFrom().item(true);
    }
    return calls.orElse(calls.callForOrderKeys(config.redisDeadline(), () -> redis.key().exists(redisKey)),
        "order_keys", failure -> {
          LOG.debugf("Order key lookup in Redis failed: %s", failure.toString());
          return true;
        });
  }

  private String redisKey(String customerId, String key) {
    return calls.key(config.redisKeyName(), customerId.length() + ":" + customerId, key);
  }
}
