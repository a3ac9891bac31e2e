package shop.orders.tools.autoscaling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order service in a cluster, second by second, under offered traffic: the Service spreads requests evenly over
 * ready pods; a pod serves what its CPU limit allows and its door refuses the rest cheaply (payments keep their own
 * places); PostgreSQL places at most its measured ceiling of orders, and one SKU's row at most its own, and what it
 * cannot place is refused cheaply too; every {@link HpaController#SYNC_PERIOD_SECONDS} the autoscaler reads the
 * metrics as its pipeline has them then (metrics-server's and Prometheus' last scrape, 0 to 14 s old depending on
 * the loop's phase) and sets the replicas; a new pod serves once it is scheduled, pulled, started and seen ready.
 * Deterministic: the same inputs and phase give the same timeline.
 */
public final class ClusterSimulation {

  /**
   * What the chart deploys.
   *
   * @param fixedReplicas       pods when no autoscaler is rendered (ignored otherwise)
   * @param cpuRequestCores     a pod's CPU request (the base of CPU utilisation)
   * @param cpuLimitCores       a pod's CPU limit (what it can use)
   * @param poolMax             database.pool.maxSize
   * @param poolMin             database.pool.minSize (opened at start)
   * @param connectionBudget    database.maxConnections - database.reservedConnections
   * @param readinessPeriodSeconds the readiness probe's period
   * @param startupPeriodSeconds the startup probe's period (the readiness probe runs once it has passed)
   * @param ordersQueryWindowSeconds the rate window of KEDA's Prometheus query (0 without that trigger)
   */
  public record Deployment(int fixedReplicas, double cpuRequestCores, double cpuLimitCores, int poolMax, int poolMin,
                           int connectionBudget, int readinessPeriodSeconds, int startupPeriodSeconds,
                           int ordersQueryWindowSeconds) {
  }

  /** One second of the run. Request counts are per second; refusals include every reason. */
  public record Second(int t, double offered, int replicas, int readyPods, double refusedDoor, double refusedDatabase,
                       double refusedNoPod, double ordersOffered, double ordersPlaced, int dbConnections,
                       double cpuUtilizationPercent) {
    public double refused() {
      return refusedDoor + refusedDatabase + refusedNoPod;
    }
  }

  /**
   * The run's totals; the shares are those of the sale (from its opening to the end of its peak), which a long
   * quiet tail would otherwise dilute.
   */
  public record Totals(double offered, double refused, double refusedDoor, double refusedDatabase,
                       double refusedNoPod, double ordersOffered, double ordersPlaced, int peakReplicas,
                       int peakDbConnections, int connectionBudget, int firstScaleUpSecond, int secondsWithRefusals,
                       double podSeconds, double refusedShare, double ordersRefusedShare) {
  }

  public record Result(String scenario, Traffic traffic, List<Second> seconds, Totals totals) {
  }

  /** A pod: created when asked for, running once scheduled and pulled, serving once ready. */
  private record Pod(double created, double runningAt, double readyAt, double poolOpensAt) {
  }

  /** Seconds over which a placed order's payment arrives (the storefront's buyer pays right after the 201). */
  static final int PAYMENT_DELAY_SECONDS = 3;

  private final Capacity capacity;
  private final Deployment deployment;

  public ClusterSimulation(Capacity capacity, Deployment deployment) {
    this.capacity = capacity;
    this.deployment = deployment;
  }

  /** Runs with the autoscaler's loop in phase with the scrapes (their samples as fresh as they can be). */
  public Result run(String scenario, Traffic traffic, Hpa hpa) {
    return run(scenario, traffic, hpa, 0);
  }

  /**
   * Runs {@code traffic} with the autoscaler {@code hpa} (null: the Deployment's fixed replicas), whose loop runs at
   * the seconds {@code syncPhase} + 15 k while the scrapes run at multiples of their intervals: its metrics are
   * {@code syncPhase} seconds old.
   */
  public Result run(String scenario, Traffic traffic, Hpa hpa, int syncPhase) {
    HpaController controller = hpa == null ? null : new HpaController(hpa);
    int startReplicas = hpa == null ? deployment.fixedReplicas() : hpa.minReplicas();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < startReplicas; i++) {
      pods.add(new Pod(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
          Double.NEGATIVE_INFINITY));
    }
    int n = traffic.seconds();
    double[] cpuPerReadyPod = new double[n]; // cores
    double[] ordersReachingPods = new double[n + 1]; // cumulative, as Prometheus' counter sums them
    List<Second> seconds = new ArrayList<>(n);
    double[] placedBySecond = new double[n];
    int firstScaleUp = -1;
    for (int t = 0; t < n; t++) {
      if (controller != null && t > 0 && (t - syncPhase) % HpaController.SYNC_PERIOD_SECONDS == 0) {
        int current = pods.size();
        List<Integer> proposals = proposals(hpa, t, current, pods, cpuPerReadyPod, ordersReachingPods);
        int wanted = controller.reconcile(t, current, proposals);
        if (wanted > current && firstScaleUp < 0) {
          firstScaleUp = t;
        }
        resize(pods, wanted, t);
      }
      final int now = t;
      int ready = (int) pods.stream().filter(p -> p.readyAt() <= now).count();
      // buyers pay within a few seconds of their order's 201: the orders placed in the last 3 seconds, spread
      double payments = 0;
      for (int back = 1; back <= PAYMENT_DELAY_SECONDS && t - back >= 0; back++) {
        payments += placedBySecond[t - back] / PAYMENT_DELAY_SECONDS;
      }
      Served served = ready == 0 ? null : serve(traffic, t, ready, payments);
      double orders = traffic.orders(t);
      double offered = orders + traffic.reads()[t] + payments;
      if (served != null) {
        ordersReachingPods[t + 1] = orders;
      }
      ordersReachingPods[t + 1] += ordersReachingPods[t];
      double placed = served == null ? 0 : served.placed();
      cpuPerReadyPod[t] = served == null ? 0 : served.cores();
      placedBySecond[t] = placed;
      boolean databaseFull = placed >= capacity.dbOrdersPerSecond() - 1e-9;
      seconds.add(new Second(t, offered, pods.size(), ready,
          served == null ? 0 : served.refusedDoor(), served == null ? 0 : served.refusedDatabase(),
          served == null ? offered : 0, orders, placed, connections(pods, t, ready, placed, databaseFull),
          cpuPerReadyPod[t] / deployment.cpuRequestCores() * 100));
    }
    return new Result(scenario, traffic, seconds,
        totals(seconds, traffic, firstScaleUp, deployment.connectionBudget()));
  }

  private record Served(double placed, double refusedDoor, double refusedDatabase, double cores) {
  }

  /**
   * One second on {@code ready} pods sharing the requests evenly. A pod's CPU serves payments first, then orders and
   * reads as far as it goes, refusing the rest at the door; an order the database cannot take costs only a refusal,
   * so the share that passes the door is found by a few rounds of fixed point (it converges: passing more only adds
   * orders the database refuses cheaply).
   */
  private Served serve(Traffic traffic, int t, int ready, double payments) {
    Capacity.Assumptions assume = capacity.assumptions();
    double orders = traffic.orders(t);
    double capMs = deployment.cpuLimitCores() * 1000 - assume.podIdleCpuMs();
    double o = orders / ready;
    double r = traffic.reads()[t] / ready;
    double p = payments / ready;
    double payWork = Math.min(p * capacity.cpuMsPerPayment(), capMs);
    double paymentsRefused = Math.max(0, p - payWork / capacity.cpuMsPerPayment());
    double rest = capMs - payWork;
    double refusalWork = (o + r) * capacity.cpuMsPerRefusal();
    double placedShare = 1;
    double through = 1;
    double placed = 0;
    double refusedHot = 0;
    double refusedDb = 0;
    for (int round = 0; round < 8; round++) {
      double orderCost = placedShare * capacity.cpuMsPerOrder() + (1 - placedShare) * capacity.cpuMsPerRefusal();
      double work = o * orderCost + r * capacity.cpuMsPerRead();
      through = work <= rest ? 1.0 : Math.max(0, (rest - refusalWork) / (work - refusalWork));
      double eventThrough = through * traffic.eventOrders()[t];
      double otherThrough = through * traffic.otherOrders()[t];
      double hot = eventThrough * assume.hotShareOfEventOrders();
      refusedHot = Math.max(0, hot - capacity.hotRowOrdersPerSecond());
      double toDatabase = eventThrough + otherThrough - refusedHot;
      placed = Math.min(toDatabase, capacity.dbOrdersPerSecond());
      refusedDb = refusedHot + Math.max(0, toDatabase - placed);
      placedShare = eventThrough + otherThrough == 0 ? 1 : placed / (eventThrough + otherThrough);
    }
    double orderWorkMs = through * o * (placedShare * capacity.cpuMsPerOrder()
        + (1 - placedShare) * capacity.cpuMsPerRefusal());
    double usedMs = assume.podIdleCpuMs() + payWork + through * r * capacity.cpuMsPerRead() + orderWorkMs
        + (1 - through) * refusalWork;
    double refusedDoor = Math.max(0, ((1 - through) * (o + r) + paymentsRefused) * ready);
    return new Served(placed, refusedDoor, refusedDb, usedMs / 1000);
  }

  private int connections(List<Pod> pods, int t, int ready, double placed, boolean databaseFull) {
    int total = 0;
    for (Pod pod : pods) {
      if (pod.readyAt() <= t) {
        int inUse = databaseFull ? deployment.poolMax()
            : (int) Math.min(deployment.poolMax(),
                Math.ceil(placed / ready * capacity.orderTransactionMs() / 1000));
        total += Math.max(deployment.poolMin(), inUse);
      } else if (pod.poolOpensAt() <= t) {
        total += deployment.poolMin();
      }
    }
    return total;
  }

  private List<Integer> proposals(Hpa hpa, int t, int current, List<Pod> pods, double[] cpuPerReadyPod,
                                  double[] ordersReachingPods) {
    List<Integer> proposals = new ArrayList<>();
    Capacity.Assumptions assume = capacity.assumptions();
    for (Hpa.Metric metric : hpa.metrics()) {
      switch (metric) {
        case Hpa.Metric.CpuUtilization cpu -> {
          int resolution = assume.metricsResolutionSeconds();
          int windowEnd = t / resolution * resolution;
          int windowStart = windowEnd - resolution;
          List<HpaController.PodSample> samples = new ArrayList<>();
          for (Pod pod : pods) {
            // groupPods: pending pods are set aside; a running pod without a sample is missing; for CPU a pod not
            // ready, or sampled before it was, is set aside as unready
            if (pod.runningAt() > t) {
              samples.add(HpaController.PodSample.notReady());
            } else if (windowStart < 0 || pod.runningAt() > windowStart) {
              samples.add(HpaController.PodSample.missing());
            } else if (pod.readyAt() > t || pod.readyAt() > windowStart) {
              samples.add(HpaController.PodSample.notReady());
            } else {
              double sum = 0;
              for (int s = windowStart; s < windowEnd; s++) {
                sum += cpuPerReadyPod[s];
              }
              samples.add(HpaController.PodSample.ready(
                  sum / resolution / deployment.cpuRequestCores() * 100));
            }
          }
          proposals.add(HpaController.replicasForPodAverage(current, cpu.targetPercent(), samples));
        }
        case Hpa.Metric.OfferedOrdersPerPod demand -> {
          int scrape = assume.scrapeIntervalSeconds();
          int lastScrape = t / scrape * scrape;
          int window = deployment.ordersQueryWindowSeconds();
          proposals.add(lastScrape - window < 0 ? HpaController.INVALID
              : HpaController.replicasForExternalAverage(current, demand.targetPerPod(),
                  (ordersReachingPods[lastScrape] - ordersReachingPods[lastScrape - window]) / window));
        }
        case Hpa.Metric.Schedule cron -> proposals.add(
            HpaController.replicasForExternalAverage(current, 1, cron.activeAt(t) ? cron.desiredReplicas() : 0));
      }
    }
    return proposals;
  }

  /** The Deployment's ReplicaSet: new pods start now; removed ones go not-ready first, then the newest. */
  private void resize(List<Pod> pods, int wanted, int t) {
    double running = capacity.assumptions().schedulingSeconds() + capacity.assumptions().imagePullSeconds();
    double toReady = capacity.secondsToReady(deployment.startupPeriodSeconds(), deployment.readinessPeriodSeconds());
    while (pods.size() < wanted) {
      pods.add(new Pod(t, t + running, t + toReady, t + running + capacity.jvmStartToReadySeconds() * 0.8));
    }
    if (pods.size() > wanted) {
      pods.sort(Comparator.comparingDouble(Pod::readyAt));
      while (pods.size() > wanted) {
        pods.removeLast();
      }
    }
  }

  private static Totals totals(List<Second> seconds, Traffic traffic, int firstScaleUp, int budget) {
    double offered = 0;
    double door = 0;
    double database = 0;
    double noPod = 0;
    double ordersOffered = 0;
    double placed = 0;
    double podSeconds = 0;
    int peakReplicas = 0;
    int peakConnections = 0;
    int withRefusals = 0;
    double saleOffered = 0;
    double saleRefused = 0;
    double saleOrders = 0;
    double salePlaced = 0;
    for (Second s : seconds) {
      offered += s.offered();
      door += s.refusedDoor();
      database += s.refusedDatabase();
      noPod += s.refusedNoPod();
      ordersOffered += s.ordersOffered();
      placed += s.ordersPlaced();
      podSeconds += s.replicas();
      peakReplicas = Math.max(peakReplicas, s.replicas());
      peakConnections = Math.max(peakConnections, s.dbConnections());
      if (s.refused() >= 0.5) {
        withRefusals++;
      }
      if (s.t() >= traffic.opensAt() && s.t() < traffic.peakEndsAt()) {
        saleOffered += s.offered();
        saleRefused += s.refused();
        saleOrders += s.ordersOffered();
        salePlaced += s.ordersPlaced();
      }
    }
    return new Totals(offered, door + database + noPod, door, database, noPod, ordersOffered, placed, peakReplicas,
        peakConnections, budget, firstScaleUp, withRefusals, podSeconds,
        saleOffered == 0 ? 0 : saleRefused / saleOffered,
        saleOrders == 0 ? 0 : Math.max(0, 1 - salePlaced / saleOrders));
  }
}
