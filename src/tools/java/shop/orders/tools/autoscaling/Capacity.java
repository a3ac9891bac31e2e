package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The simulation's measured inputs (bin/bench-capacity writes them to results/capacity-latest.json) and its stated
 * assumptions.
 *
 * @param measuredAt            when and where the figures were measured (copied into every report)
 * @param cpuMsPerOrder         service CPU of one POST /api/orders that places an order
 * @param cpuMsPerRead          service CPU of one catalog read (GET /api/products/{sku})
 * @param cpuMsPerPayment       service CPU of one POST /api/orders/{id}/payment (gateway answering at once)
 * @param cpuMsPerRefusal       service CPU of one order refused at the door (a sold-out SKU: no database; one
 *                              Redis lookup, whether its key placed an order already)
 * @param dbOrdersPerSecond     PostgreSQL's ceiling for the order transaction (pgbench on its twin, 16 clients)
 * @param hotRowOrdersPerSecond PostgreSQL's ceiling for order transactions that all reserve one SKU's row
 * @param orderTransactionMs    a connection's time per order transaction below the ceiling (pgbench p50)
 * @param jvmStartToReadySeconds from starting the packaged jar to its first 200 on /q/health/ready
 * @param assumptions           what is not measured here (scheduling, image pull, pod CPU, metrics pipeline)
 */
public record Capacity(String measuredAt, double cpuMsPerOrder, double cpuMsPerRead, double cpuMsPerPayment,
                       double cpuMsPerRefusal, double dbOrdersPerSecond, double hotRowOrdersPerSecond,
                       double orderTransactionMs, double jvmStartToReadySeconds, Assumptions assumptions) {

  /**
   * What a cluster would add and cannot be measured on this machine.
   *
   * @param schedulingSeconds      from the Deployment's new replica count to a node running the pod
   * @param imagePullSeconds       pulling the image on a node that does not have it
   * @param metricsResolutionSeconds metrics-server's --metric-resolution (15 s by default): CPU is the average of
   *                               the last window, refreshed that often
   * @param scrapeIntervalSeconds  Prometheus' scrape interval for the ServiceMonitor (the chart's 15 s)
   * @param podIdleCpuMs           CPU a ready pod uses per second without requests (schedulers, metrics, GC)
   * @param hotShareOfEventOrders  event orders that name one SKU (the flash sale's one product)
   */
  public record Assumptions(double schedulingSeconds, double imagePullSeconds, int metricsResolutionSeconds,
                            int scrapeIntervalSeconds, double podIdleCpuMs, double hotShareOfEventOrders) {
    public static Assumptions defaults() {
      return new Assumptions(2, 10, 15, 15, 20, 1.0);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public static Capacity read(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    JsonNode cpu = root.path("cpuMsPerRequest");
    JsonNode db = root.path("postgresql");
    return new Capacity(root.path("date").asText() + ", " + root.path("machine").asText(),
        positive(cpu, "order"), positive(cpu, "read"), positive(cpu, "payment"), positive(cpu, "refusal"),
        positive(db, "orderTransactionsPerSecond"), positive(db, "hotRowOrdersPerSecond"),
        positive(db, "orderTransactionMs"), positive(root, "jvmStartToReadySeconds"), Assumptions.defaults());
  }

  private static double positive(JsonNode node, String field) {
    double value = node.path(field).asDouble(-1);
    if (!(value > 0)) {
      throw new IllegalArgumentException("capacity input " + field + " missing or not positive: " + node.path(field));
    }
    return value;
  }

  /**
   * Seconds from the autoscaler's decision to a pod the Service sends requests to: scheduled, pulled, started, then
   * seen by the startup probe and the readiness probe (half a period each on average).
   */
  public double secondsToReady(int startupPeriodSeconds, int readinessPeriodSeconds) {
    return assumptions.schedulingSeconds() + assumptions.imagePullSeconds() + jvmStartToReadySeconds
        + startupPeriodSeconds / 2.0 + readinessPeriodSeconds / 2.0;
  }
}
