package shop.orders.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A Redis deadline of 500 ms instead of 50 ms, for tests about something else than Redis' latency (carts, the
 * catalog's load budgets) on a two-core machine the tests share with PostgreSQL, Redis and their own load: there a
 * Redis call can miss 50 ms now and then and answer 503 as designed. The tests of the deadline itself
 * (RedisFailureTests) keep 50 ms.
 */
public class RelaxedRedisDeadline implements QuarkusTestProfile {
  /** The relaxed deadline, for profiles that set other things too. */
  public static final Map<String, String> OVERRIDES = Map.of("redis.deadline", "PT0.5S");

  @Override
  public Map<String, String> getConfigOverrides() {
    return OVERRIDES;
  }
}
