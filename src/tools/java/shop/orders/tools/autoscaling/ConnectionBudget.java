package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The database connections a release's pods may hold against what PostgreSQL allows: the arithmetic of the chart's
 * capacity guard (order-service.capacityGuard in helm/order-service/templates/_helpers.tpl), from the values Helm
 * computed. The guard must stay in the chart, in Go template, to stop helm install; this is its one copy in Java, for
 * bin/precheck's findings (with the server's real max_connections, which the chart cannot know) and the simulation's
 * budget. ConnectionBudgetTests renders the chart to show the two refuse the same values.
 *
 * @param replicas       the most pods outside a rollout (maxReplicas, or replicaCount)
 * @param surge          rollout.maxSurge as pods (a percentage of the most pods rounded up, as Kubernetes does)
 * @param starting       pods a rollout starts while the ones they replace hold their pools: maxSurge +
 *                       maxUnavailable, at least one (the chart refuses both 0)
 * @param poolMax        database.pool.maxSize
 * @param poolMin        database.pool.minSize, opened at start (0 when not set)
 * @param maxConnections PostgreSQL's max_connections: database.maxConnections, or the server's own
 * @param reserved       database.reservedConnections
 * @param replicaPoolMax database.readReplica.poolMaxSize (10 when not set), or 0 without a read replica
 */
public record ConnectionBudget(Replicas replicas, int surge, int starting, int poolMax, int poolMin,
                               int maxConnections, int reserved, int replicaPoolMax) {
  /** The chart's default database.readReplica.poolMaxSize (and the service's db.replica pool). */
  static final int DEFAULT_REPLICA_POOL = 10;

  public static ConnectionBudget of(JsonNode values) {
    Replicas replicas = Replicas.of(values);
    int pods = replicas.most();
    JsonNode rollout = values.path("rollout");
    int surge = resolvePods(rollout.path("maxSurge"), pods, true);
    int unavailable = resolvePods(rollout.path("maxUnavailable"), pods, false);
    JsonNode db = values.path("database");
    JsonNode pool = db.path("pool");
    JsonNode replica = db.path("readReplica");
    int replicaPool = replica.path("url").asText().isEmpty() ? 0
        : replica.path("poolMaxSize").asInt(DEFAULT_REPLICA_POOL);
    return new ConnectionBudget(replicas, surge, Math.max(1, surge + unavailable), pool.path("maxSize").asInt(),
        pool.path("minSize").asInt(0), db.path("maxConnections").asInt(), db.path("reservedConnections").asInt(),
        replicaPool);
  }

  /**
   * rollout.maxSurge or maxUnavailable as pods, as Kubernetes resolves it (the chart's order-service.resolvePods): a
   * number as is, a percentage of the pods rounded up for maxSurge and down for maxUnavailable.
   */
  static int resolvePods(JsonNode value, int pods, boolean roundUp) {
    String text = value.asText();
    if (value.isTextual() && text.endsWith("%")) {
      int share = Integer.parseInt(text.substring(0, text.length() - 1)) * pods;
      return roundUp ? Math.ceilDiv(share, 100) : share / 100;
    }
    return value.asInt();
  }

  /** The same release against a server whose max_connections is {@code n}. */
  public ConnectionBudget withMaxConnections(int n) {
    return new ConnectionBudget(replicas, surge, starting, poolMax, poolMin, n, reserved, replicaPoolMax);
  }

  /** max_connections less the reserve for everything else (superuser, migrations, monitoring). */
  public int budget() {
    return maxConnections - reserved;
  }

  public int pods() {
    return replicas.most();
  }

  /** Every pod's pool full. */
  public int pools() {
    return pods() * poolMax;
  }

  /** Pods while a rollout has surged: each may fill its pool. */
  public int rolloutPods() {
    return pods() + surge;
  }

  public int rolloutPools() {
    return rolloutPods() * poolMax;
  }

  /**
   * A rollout's step: the pods being replaced keep their full pools until they have stopped while the starting pods
   * open minSize each.
   */
  public int rolloutOverlap() {
    return pools() + starting * poolMin;
  }

  public boolean hasReadReplica() {
    return replicaPoolMax > 0;
  }

  /**
   * The read replica's pools during a rollout. A standby's max_connections is at least the primary's (PostgreSQL
   * requires it), and the -ro address may send every pod to one standby: they must fit the same budget.
   */
  public int replicaPools() {
    return rolloutPods() * replicaPoolMax;
  }

  /** Every rule of the chart's guard holds: it would render these values. */
  public boolean fits() {
    return pools() <= budget() && rolloutPools() <= budget() && rolloutOverlap() <= budget()
        && replicaPools() <= budget() && poolMin <= poolMax;
  }
}
