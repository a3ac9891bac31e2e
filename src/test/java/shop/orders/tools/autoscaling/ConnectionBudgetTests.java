package shop.orders.tools.autoscaling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link ConnectionBudget} is the chart's capacity guard in Java: values the chart renders fit the budget, values it
 * refuses do not, on each rule's edge (one connection within, one over) and on a seeded sample of releases. Both read
 * the values Helm computed from the same overlay on the chart's own values (budget 100 - 10 = 90, 4 pods of 20, 10
 * opened at start, maxSurge 0, maxUnavailable 1).
 */
class ConnectionBudgetTests {
  @TempDir
  Path dir;

  /** An overlay and what the guard says of it. */
  record Release(String name, String overlay, boolean fits) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Release> edges() {
    return List.of(
        new Release("the chart's values: 4 x 20 = 80, a step 80 + 1 x 10 = 90", "{}", true),
        new Release("5 pods x 20 = 100", "autoscaling: {maxReplicas: 5}", false),
        new Release("a fixed 4 pods", "autoscaling: {enabled: false}\nreplicaCount: 4", true),
        new Release("a fixed 5 pods x 20 = 100", "autoscaling: {enabled: false}\nreplicaCount: 5", false),
        new Release("a surge: (3 + 1) x 20 = 80",
            "autoscaling: {maxReplicas: 3}\nrollout: {maxSurge: 1, maxUnavailable: 0}", true),
        new Release("a surge of 25% of 4 pods, rounded up: 5 x 20 = 100", "rollout: {maxSurge: 25%}", false),
        new Release("a surge of 10% of 4 pods with pools of 18: 5 x 18 = 90, a step 72 + 2 x 9 = 90",
            "rollout: {maxSurge: 10%}\ndatabase: {pool: {maxSize: 18, minSize: 9}}", true),
        new Release("a surge of 10% of 4 pods with pools of 18: a step 72 + (1 + 1) x 10 = 92",
            "rollout: {maxSurge: 10%}\ndatabase: {pool: {maxSize: 18, minSize: 10}}", false),
        new Release("a step of 80 + 1 x 11 = 91", "database: {pool: {minSize: 11}}", false),
        new Release("maxUnavailable 50% of 4 pods: a step of 80 + 2 x 10 = 100", "rollout: {maxUnavailable: 50%}",
            false),
        new Release("maxUnavailable 10% of 4 pods rounds down to none: one pod starts all the same",
            "rollout: {maxUnavailable: 10%}", true),
        new Release("maxUnavailable 30% of 3 pods rounds down: a step of 66 + (1 + 0) x 13 = 79",
            "autoscaling: {maxReplicas: 3}\nrollout: {maxSurge: 1, maxUnavailable: 30%}\n"
            + "database: {pool: {maxSize: 22, minSize: 13}}", true),
        new Release("minSize 6 above maxSize 5", "database: {pool: {maxSize: 5, minSize: 6}}", false),
        new Release("a budget of 90 - 10 = 80: a step of 90", "database: {maxConnections: 90}", false),
        new Release("a read replica's pools 4 x 22 = 88", replica(22), true),
        new Release("a read replica's pools 4 x 23 = 92", replica(23), false),
        new Release("a read replica's pools during a surge (3 + 1) x 23 = 92",
            replica(23) + "\nautoscaling: {maxReplicas: 3}\nrollout: {maxSurge: 1, maxUnavailable: 0}", false),
        new Release("a read replica of the default pool 10: 4 x 10 = 40",
            "database: {readReplica: {url: 'jdbc:postgresql://orders-db-ro/orders'}}", true));
  }

  private static String replica(int pool) {
    return "database: {readReplica: {url: 'jdbc:postgresql://orders-db-ro/orders', poolMaxSize: " + pool + "}}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edges")
  void fitsWhereTheChartRendersOnEachRulesEdge(Release release) throws IOException {
    assertThat(agrees(release.overlay())).as("the chart renders it").isEqualTo(release.fits());
  }

  @Test
  void agreesWithTheChartOnASeededSampleOfReleases() throws IOException {
    Random random = new Random(20_251_205);
    List<String> surges = List.of("0", "1", "2", "25%", "50%");
    List<String> unavailable = List.of("1", "2", "25%", "0");
    int refused = 0;
    for (int i = 0; i < 16; i++) {
      int pool = 5 + random.nextInt(26);
      int surge = random.nextInt(surges.size());
      // never both 0: the chart refuses that rollout for another reason
      int gone = random.nextInt(surge == 0 ? unavailable.size() - 1 : unavailable.size());
      String overlay = """
          autoscaling: {minReplicas: 1, maxReplicas: %d}
          rollout: {maxSurge: %s, maxUnavailable: %s}
          database:
            maxConnections: %d
            reservedConnections: %d
            pool: {maxSize: %d, minSize: %d}
            readReplica: {url: '%s', poolMaxSize: %d}
          """.formatted(1 + random.nextInt(8), surges.get(surge), unavailable.get(gone), 60 + random.nextInt(141),
          random.nextInt(21), pool, random.nextInt(pool + 3),
          random.nextBoolean() ? "jdbc:postgresql://orders-db-ro/orders" : "", 5 + random.nextInt(26));
      refused += agrees(overlay) ? 0 : 1;
    }
    assertThat(refused).as("the sample holds releases of both kinds").isBetween(1, 15);
  }

  /** Whether the chart renders {@code overlay}, asserting that ConnectionBudget says the same of its values. */
  private boolean agrees(String overlay) throws IOException {
    Path file = Files.writeString(Files.createTempFile(dir, "values", ".yaml"), overlay + "\n");
    ConnectionBudget budget = ConnectionBudget.of(RenderedChart.values(RenderedChart.CHART, List.of(file)));
    var refusal = catchThrowableOfType(RenderedChart.Refused.class,
        () -> RenderedChart.render(RenderedChart.CHART, List.of(file)));
    assertThat(budget.fits())
        .as("%s\n%s\nthe chart: %s", overlay, budget, refusal == null ? "renders" : refusal.getMessage())
        .isEqualTo(refusal == null);
    if (refusal != null) {
      assertThat(refusal).hasMessageMatching("(?s)(capacity guard|database.pool.minSize \\d+ is larger).*");
    }
    return refusal == null;
  }
}
