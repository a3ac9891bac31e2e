package shop.orders.tools.autoscaling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The simulation on fixed inputs: deterministic, so its totals are asserted. */
class ClusterSimulationTests {
  /** 2 ms an order, 0.25 ms a read, 1 ms a payment, 0.1 ms a refusal; PostgreSQL 1,000 orders/s, one row 400/s. */
  static final Capacity CAPACITY = new Capacity("fixed", 2.0, 0.25, 1.0, 0.1, 1_000, 400, 5, 8,
      new Capacity.Assumptions(2, 10, 15, 15, 0, 1.0));
  /** 500m request, 2 cores limit, pool 20 (10 at start), budget 90, readiness every 5 s, no startup probe. */
  static final ClusterSimulation.Deployment DEPLOYMENT =
      new ClusterSimulation.Deployment(2, 0.5, 2.0, 20, 10, 90, 5, 0, 60);
  static final Hpa CHART_CPU = new Hpa(2, 4, List.of(new Hpa.Metric.CpuUtilization(60)),
      new Hpa.Rules(0, Hpa.Select.MAX, List.of(new Hpa.Policy(Hpa.PolicyType.PERCENT, 100, 15),
          new Hpa.Policy(Hpa.PolicyType.PODS, 4, 15))),
      new Hpa.Rules(300, Hpa.Select.MAX, List.of(new Hpa.Policy(Hpa.PolicyType.PERCENT, 50, 60))));

  /** {@code orders} per second of the event's SKU from second {@code from} for {@code seconds}, none before. */
  static Traffic step(double orders, int from, int seconds, int tail) {
    return step(orders, 0, from, seconds, tail);
  }

  /** Orders of the event's SKU and of others, with 12 reads per order. */
  static Traffic step(double eventOrders, double otherOrders, int from, int seconds, int tail) {
    int n = from + seconds + tail;
    double[] event = new double[n];
    double[] other = new double[n];
    double[] reads = new double[n];
    for (int t = from; t < from + seconds; t++) {
      event[t] = eventOrders;
      other[t] = otherOrders;
      reads[t] = (eventOrders + otherOrders) * Traffic.READS_PER_ORDER;
    }
    return new Traffic("step", event, other, reads, from, from + seconds);
  }

  @Test
  void withinCapacityNothingIsRefusedAndEveryOrderIsPlaced() {
    // 100 orders/s on 2 pods: 50 orders (100 ms) + 600 reads (150 ms) + 50 payments (50 ms) a second per pod
    var result = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("fixed", step(100, 10, 60, 10), null);
    var totals = result.totals();
    assertThat(totals.refused()).isZero();
    assertThat(totals.ordersPlaced()).isEqualTo(6_000);
    assertThat(totals.offered()).as("orders + reads + one payment per placed order")
        .isCloseTo(6_000 + 72_000 + 6_000, within(1e-6));
    assertThat(totals.peakDbConnections()).as("2 pods x the pool opened at start").isEqualTo(20);
    assertThat(totals.peakReplicas()).isEqualTo(2);
    assertThat(result.seconds().get(20).cpuUtilizationPercent()).as("300 ms of a 500m request").isCloseTo(60,
        within(1e-6));
  }

  @Test
  void abovePostgresCeilingMorePodsMoveRefusalsFromTheDoorToTheDatabase() {
    // 1,500 orders/s of many SKUs: 2 pods refuse at their doors (CPU), 8 pods pass them all and PostgreSQL places
    // its 1,000/s
    var few = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("2 pods", step(0, 1_500, 0, 30, 0), null).totals();
    var many = new ClusterSimulation(CAPACITY, new ClusterSimulation.Deployment(8, 0.5, 2.0, 20, 10, 90, 5, 0, 60))
        .run("8 pods", step(0, 1_500, 0, 30, 0), null).totals();
    assertThat(few.refusedDoor()).isPositive();
    assertThat(few.refusedDatabase()).isZero();
    assertThat(many.refusedDoor()).isZero();
    assertThat(many.ordersPlaced()).as("the ceiling, not the pods").isCloseTo(30 * 1_000, within(1e-6));
    assertThat(many.refusedDatabase()).isCloseTo(30 * 500, within(1e-6));
    assertThat(many.peakDbConnections()).as("every pool full, over the budget of 90").isEqualTo(160);
    // one SKU for all of them: its row's 400/s is the ceiling
    var hot = new ClusterSimulation(CAPACITY, new ClusterSimulation.Deployment(8, 0.5, 2.0, 20, 10, 90, 5, 0, 60))
        .run("8 pods, one SKU", step(1_500, 0, 30, 0), null).totals();
    assertThat(hot.ordersPlaced()).isCloseTo(30 * 400, within(1e-6));
    assertThat(hot.refusedDatabase()).isCloseTo(30 * 1_100, within(1e-6));
  }

  @Test
  void theCpuAutoscalerReactsOneMetricsWindowAfterTheSurgeAndPodsServeWhenReady() {
    // 900 orders/s of many SKUs from second 30: per pod 900 ms of orders + 1,350 ms of reads > 2,000 ms, so 2 pods
    // refuse at their doors. The window [30, 45) is read at the sync of second 45: scale to 4 (maxReplicas); the new
    // pods serve from 45 + 2 + 10 + 8 + 2.5 = 67.5 s, i.e. second 68. On 4 pods: 450 + 675 + 225 ms of payments.
    var result = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("cpu", step(0, 900, 30, 120, 60), CHART_CPU);
    var totals = result.totals();
    assertThat(totals.firstScaleUpSecond()).isEqualTo(45);
    assertThat(result.seconds().get(67).readyPods()).isEqualTo(2);
    assertThat(result.seconds().get(68).readyPods()).isEqualTo(4);
    assertThat(result.seconds().get(67).refusedDoor()).isPositive();
    assertThat(result.seconds().get(68).refused()).isZero();
    assertThat(result.seconds().get(80).ordersPlaced()).isEqualTo(900);
    assertThat(totals.secondsWithRefusals()).as("seconds 30 to 67").isEqualTo(38);
    assertThat(totals.refusedDatabase()).isZero();
    assertThat(totals.peakReplicas()).isEqualTo(4);
    assertThat(totals.peakDbConnections()).as("4 pools opened at start; 900/s x 5 ms is 2 busy per pod")
        .isEqualTo(40);
    assertThat(Math.round(totals.refusedDoor())).isEqualTo(REFUSED_DOOR);
    assertThat(Math.round(totals.ordersPlaced())).isEqualTo(PLACED);
  }

  /**
   * By hand: on 2 saturated pods with P orders placed a second (and P/2 payments per pod over the next seconds), a pod
   * passes f = (2,000 - P/2 - 585) / (2,250 - 585) of its requests (585 ms: refusing all 5,850 costs 0.1 ms each);
   * P = 900 f gives P = 602 and f = 0.669: 3,873 of the 11,700 requests a second refused, for 37 s, plus 1,755 in
   * the first second (no payments yet): about 145,050; fewer (143,818) as the payments arrive over 3 s at first.
   */
  static final long REFUSED_DOOR = 143_818;
  /** About 38 s x 602 + 82 s x 900 = 96,676 by the same reckoning. */
  static final long PLACED = 96_937;

  @Test
  void scheduledPreScalingHasThePodsReadyBeforeTheSaleOpens() {
    var prescaled = new Hpa(2, 4, List.of(new Hpa.Metric.CpuUtilization(60), new Hpa.Metric.Schedule(0, 600, 4)),
        CHART_CPU.scaleUp(), CHART_CPU.scaleDown());
    var result = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("cron", step(0, 900, 60, 120, 60), prescaled);
    assertThat(result.totals().firstScaleUpSecond()).isEqualTo(15);
    assertThat(result.seconds().get(60).readyPods()).isEqualTo(4);
    assertThat(result.totals().refusedDoor()).isZero();
  }

  @Test
  void theSameInputsGiveTheSameTimeline() {
    var a = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("a", Traffic.flashOpening(800, 120, 300), CHART_CPU);
    var b = new ClusterSimulation(CAPACITY, DEPLOYMENT).run("b", Traffic.flashOpening(800, 120, 300), CHART_CPU);
    assertThat(a.seconds()).isEqualTo(b.seconds());
  }
}
