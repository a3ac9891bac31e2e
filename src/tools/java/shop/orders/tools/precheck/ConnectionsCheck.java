package shop.orders.tools.precheck;

import shop.orders.tools.autoscaling.ConnectionBudget;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static shop.orders.tools.precheck.Finding.within;

/**
 * The chart's capacity guard with its numbers, against the server's real max_connections when it is given: the
 * pods' pools, a rollout's surge, a rollout's step (the pods being replaced keep their pools while new ones open
 * minSize), and the read replica's pools against a standby. The arithmetic is {@link ConnectionBudget}'s.
 */
final class ConnectionsCheck {
  private ConnectionsCheck() {
  }

  /** {@code serverMaxConnections}: --max-connections, PostgreSQL's SHOW max_connections. */
  static List<Finding> findings(ConnectionBudget chart, OptionalInt serverMaxConnections) {
    ConnectionBudget c = serverMaxConnections.isPresent() ? chart.withMaxConnections(serverMaxConnections.getAsInt())
        : chart;
    String source = serverMaxConnections.isPresent() ? "--max-connections" : "database.maxConnections";
    List<Finding> findings = new ArrayList<>();
    String pools = c.pods() + " pods x database.pool.maxSize " + c.poolMax() + " = " + c.pools() + " connections "
        + within(c.pools(), c.budget()) + " budget " + c.budget() + " (" + source + " " + c.maxConnections()
        + " - database.reservedConnections " + c.reserved() + ")";
    findings.add(c.pools() <= c.budget() ? Finding.pass(pools) : Finding.fail(pools + ": lower "
        + c.replicas().mostValue() + " or database.pool.maxSize, or raise max_connections first"));
    if (c.poolMin() > c.poolMax()) {
      findings.add(Finding.fail("database.pool.minSize " + c.poolMin() + " > database.pool.maxSize " + c.poolMax()));
    }
    if (c.maxConnections() != chart.maxConnections()) {
      findings.add(Finding.warn("the server's max_connections " + c.maxConnections() + " differs from"
          + " database.maxConnections " + chart.maxConnections() + " in the values: set it so the chart's guard"
          + " checks the real number"));
    }
    // without a surge the rollout's pools are the pods' pools, found above
    if (c.surge() > 0 && c.rolloutPools() > c.budget()) {
      findings.add(Finding.fail("a rollout runs " + c.pods() + " pods + rollout.maxSurge " + c.surge() + " = "
          + c.rolloutPods() + " pods x database.pool.maxSize " + c.poolMax() + " = " + c.rolloutPools()
          + " connections > budget " + c.budget() + ": set rollout.maxSurge 0 (pods replaced one at a time)"));
    }
    findings.add(Finding.passIf(c.rolloutOverlap() <= c.budget(), "during a rollout " + c.pods() + " pods x "
        + c.poolMax() + " + " + c.starting() + " starting pods x database.pool.minSize " + c.poolMin() + " = "
        + c.rolloutOverlap() + " connections " + within(c.rolloutOverlap(), c.budget()) + " budget " + c.budget()));
    if (c.hasReadReplica()) {
      String replica = "a rollout runs " + c.rolloutPods() + " pods x database.readReplica.poolMaxSize "
          + c.replicaPoolMax() + " = " + c.replicaPools() + " connections to a standby "
          + within(c.replicaPools(), c.budget()) + " its budget " + c.budget();
      findings.add(c.replicaPools() <= c.budget() ? Finding.pass(replica) : Finding.fail(replica
          + ": lower database.readReplica.poolMaxSize (a standby's max_connections is at least the primary's, and"
          + " the -ro address may send every pod to one standby)"));
    }
    return findings;
  }
}
