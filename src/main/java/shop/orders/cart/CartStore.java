package shop.orders.cart;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.idempotency.IdempotencyConfig;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.redis.RedisCalls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Carts in Redis: one hash per customer (SKU to quantity) that expires {@code cart.ttl} after its last change.
 * Redis is the only home of a cart, so when it cannot be used every call fails with 503 + Retry-After; nothing
 * else depends on carts. Each change is one Lua script, so a cart is never seen half-changed.
 */
@ApplicationScoped
public class CartStore {
  /** Sets a line unless that would exceed the cart's line limit (-1), and restarts the cart's TTL. */
  private static final String PUT = """
      if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
        return -1
      end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('EXPIRE', KEYS[1], ARGV[4])
      return 1""";
  /** A checkout retried with the same key sees the lines it checked out; otherwise the cart's lines. */
  private static final String LINES_FOR_CHECKOUT = """
      local done = redis.call('GET', KEYS[2])
      if done then return {'checked-out', done} end
      local lines = redis.call('HGETALL', KEYS[1])
      table.insert(lines, 1, 'cart')
      return lines""";
  /**
   * Remembers what a key checked out and removes those lines from the cart, each only if unchanged since (a line
   * the customer changed during checkout stays).
   */
  private static final String CHECKED_OUT = """
      redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
      for i = 3, #ARGV, 2 do
        if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
      end
      return 1""";

  private final ReactiveRedisDataSource redis;
  private final RedisCalls calls;
  private final CartConfig config;
  private final IdempotencyConfig idempotency;

  CartStore(ReactiveRedisDataSource redis, RedisCalls calls, CartConfig config, IdempotencyConfig idempotency) {
    this.redis = redis;
    this.calls = calls;
    this.config = config;
    this.idempotency = idempotency;
  }

  /** SKU to quantity, in SKU order; empty for no cart. */
  Uni<Map<String, Integer>> lines(String customerId) {
    return guarded(redis.hash(String.class, String.class, Integer.class).hgetall(cartKey(customerId)))
        .map(TreeMap::new);
  }

  Uni<Void> put(String customerId, String sku, int quantity) {
    return guarded(redis.execute("EVAL", PUT, "1", cartKey(customerId), sku, Integer.toString(quantity),
        Integer.toString(config.maxLines()), Long.toString(config.ttl().toSeconds())))
        .invoke(result -> {
          if (result.toInteger() < 0) {
            throw new ApiException(Problem.of(422, "cart-full", "Cart full",
                "A cart holds at most " + config.maxLines() + " different products; remove one first."));
          }
        }).replaceWithVoid();
  }

  Uni<Void> remove(String customerId, String sku) {
    return guarded(redis.hash(String.class, String.class, Integer.class).hdel(cartKey(customerId), sku))
        .replaceWithVoid();
  }

  Uni<Void> clear(String customerId) {
    return guarded(redis.key().del(cartKey(customerId))).replaceWithVoid();
  }

  /** The lines this checkout is for: those it already checked out under this key, else the cart's. */
  Uni<Map<String, Integer>> linesForCheckout(String customerId, String idempotencyKey) {
    return guarded(redis.execute("EVAL", LINES_FOR_CHECKOUT, "2", cartKey(customerId),
        checkoutKey(customerId, idempotencyKey)))
        .map(result -> {
          var lines = new TreeMap<String, Integer>();
          if ("checked-out".equals(result.get(0).toString())) {
            for (String line : result.get(1).toString().split(";")) {
              int eq = line.indexOf('=');
              lines.put(line.substring(0, eq), Integer.parseInt(line.substring(eq + 1)));
            }
          } else {
            for (int i = 1; i + 1 < result.size(); i += 2) {
              lines.put(result.get(i).toString(), result.get(i + 1).toInteger());
            }
          }
          return lines;
        });
  }

  /** After the order is placed: remember the checkout under its key and take its lines out of the cart. */
  Uni<Void> checkedOut(String customerId, String idempotencyKey, Map<String, Integer> lines) {
    List<String> args = new ArrayList<>(List.of(CHECKED_OUT, "2", cartKey(customerId),
        checkoutKey(customerId, idempotencyKey), encode(lines), Long.toString(idempotency.retention().toSeconds())));
    lines.forEach((sku, quantity) -> {
      args.add(sku);
      args.add(Integer.toString(quantity));
    });
    return calls.callForCarts(() -> redis.execute("EVAL", args.toArray(String[]::new))).replaceWithVoid();
  }

  private <T> Uni<T> guarded(Uni<T> command) {
    return calls.callForCarts(() -> command).onFailure(f -> !(f instanceof ApiException)).transform(failure ->
        new ApiException(Problem.of(503, "cart-unavailable", "Carts unavailable",
            "Carts cannot be read or changed right now; retry shortly. Orders with explicit lines still work."),
            config.retryAfter()));
  }

  private static String encode(Map<String, Integer> lines) {
    var joined = new StringBuilder();
    lines.forEach((sku, quantity) -> joined.append(joined.isEmpty() ? "" : ";").append(sku).append('=').append(quantity));
    return joined.toString();
  }

  private String cartKey(String customerId) {
    return calls.key("cart", customerId);
  }

  private String checkoutKey(String customerId, String idempotencyKey) {
    return calls.key("cart-checkout", customerId.length() + ":" + customerId, idempotencyKey);
  }
}
