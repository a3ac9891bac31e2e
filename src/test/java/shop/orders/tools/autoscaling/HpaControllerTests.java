package shop.orders.tools.autoscaling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.tools.autoscaling.HpaController.PodSample.missing;
import static shop.orders.tools.autoscaling.HpaController.PodSample.notReady;
import static shop.orders.tools.autoscaling.HpaController.PodSample.ready;

/**
 * The simulator's autoscaler against the rules and worked examples of the Kubernetes documentation,
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ (quoted as "docs, section").
 */
class HpaControllerTests {

  private static List<HpaController.PodSample> pods(int count, HpaController.PodSample sample) {
    return new ArrayList<>(Collections.nCopies(count, sample));
  }

  private static Hpa cpu(int min, int max, Hpa.Rules up, Hpa.Rules down) {
    return new Hpa(min, max, List.of(new Hpa.Metric.CpuUtilization(100)), up, down);
  }

  @Test
  void doublesOrHalvesWithTheRatioOfCurrentToDesiredMetric() {
    // docs, "Algorithm details": "if the current metric value is 200m, and the desired value is 100m, the number of
    // replicas will be doubled, since 200.0 / 100.0 == 2.0 If the current value is instead 50m, you'll halve the
    // number of replicas, since 50.0 / 100.0 == 0.5"
    assertThat(HpaController.replicasForPodAverage(4, 100, pods(4, ready(200)))).isEqualTo(8);
    assertThat(HpaController.replicasForPodAverage(4, 100, pods(4, ready(50)))).isEqualTo(2);
    // desiredReplicas = ceil[currentReplicas * (currentMetricValue / desiredMetricValue)]
    assertThat(HpaController.replicasForPodAverage(3, 60, pods(3, ready(100)))).isEqualTo(5);
  }

  @Test
  void skipsScalingWithinTheTolerance() {
    // docs: "The control plane skips any scaling action if the ratio is sufficiently close to 1.0 (within a
    // configurable tolerance, 0.1 by default)."
    assertThat(HpaController.replicasForPodAverage(10, 100, pods(10, ready(109)))).isEqualTo(10);
    assertThat(HpaController.replicasForPodAverage(10, 100, pods(10, ready(91)))).isEqualTo(10);
    assertThat(HpaController.replicasForPodAverage(10, 100, pods(10, ready(111)))).isEqualTo(12);
    assertThat(HpaController.replicasForExternalAverage(10, 150, 1_600)).isEqualTo(10);
    assertThat(HpaController.replicasForExternalAverage(10, 150, 1_700)).isEqualTo(12);
  }

  @Test
  void podsMissingMetricsCountAsTheTargetWhenScalingDownAndAsNothingWhenScalingUp() {
    // docs: "if any pod is missing metrics ... in the case of a scale down, we assume those pods were consuming 100%
    // of the desired value, and in the case of a scale up, we assume the missing pods were consuming 0% of the
    // desired value. This dampens the magnitude of any potential scale."
    var down = pods(2, ready(20));
    down.addAll(pods(2, missing()));
    assertThat(HpaController.replicasForPodAverage(4, 100, down)).as("(20+20+100+100)/4 = 60%% of 4").isEqualTo(3);
    var up = pods(2, ready(300));
    up.addAll(pods(2, missing()));
    assertThat(HpaController.replicasForPodAverage(4, 100, up)).as("(300+300+0+0)/4 = 150%% of 4").isEqualTo(6);
  }

  @Test
  void forCpuAPodMissingMetricsCountsAsItsWholeRequestWhenScalingDown() {
    // GetResourceReplicas (replica_calculator.go) assumes max(100, target) percent of the request, not the target:
    // with 60% as target, (12 + 12 + 100 + 100) / 4 = 56%, within the tolerance of 60% (the target would give 36%)
    var down = pods(2, ready(12));
    down.addAll(pods(2, missing()));
    assertThat(HpaController.replicasForPodAverage(4, 60, down)).isEqualTo(4);
  }

  @Test
  void noSampleAtAllIsAnInvalidMetricAndInvalidMetricsNeverScaleDown() {
    // computeReplicasForMetrics: no scaling when every metric is invalid, or when some are and the others would
    // scale down; a scale up by the valid ones goes ahead
    assertThat(HpaController.replicasForPodAverage(3, 60, pods(3, notReady()))).isEqualTo(HpaController.INVALID);
    var controller = new HpaController(cpu(1, 20, Hpa.Rules.defaultScaleUp(),
        new Hpa.Rules(0, Hpa.Select.MAX, Hpa.Rules.defaultScaleDown().policies())));
    assertThat(controller.reconcile(15, 6, List.of(HpaController.INVALID))).isEqualTo(6);
    assertThat(controller.reconcile(30, 6, List.of(HpaController.INVALID, 2))).isEqualTo(6);
    assertThat(controller.reconcile(45, 6, List.of(HpaController.INVALID, 9))).isEqualTo(9);
    assertThat(controller.reconcile(60, 9, List.of(2))).as("all valid: down").isEqualTo(2);
  }

  @Test
  void theFirstReconciliationSeedsTheScaleDownWindowWithTheCurrentReplicas() {
    // recordInitialRecommendation: a new autoscaler (or a restarted controller) does not scale down at once
    var controller = new HpaController(cpu(1, 20, Hpa.Rules.defaultScaleUp(), Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(0, 8, List.of(2))).isEqualTo(8);
    assertThat(controller.reconcile(299, 8, List.of(2))).isEqualTo(8);
    assertThat(controller.reconcile(300, 8, List.of(2))).as("the seed is 300 s old: out of the window")
        .isEqualTo(2);
  }

  @Test
  void podsNotYetReadyCountAsNothingWhenScalingUpAndAreLeftOutOtherwise() {
    // docs: "if any pods are not yet ready ... we conservatively assume that the not-yet-ready pods are consuming 0%
    // of the desired metric, further dampening the magnitude of a scale up."
    var starting = pods(2, ready(400));
    starting.addAll(pods(2, notReady()));
    assertThat(HpaController.replicasForPodAverage(4, 100, starting)).as("800/4 = 200%% of 4").isEqualTo(8);
    var quiet = pods(2, ready(40));
    quiet.addAll(pods(2, notReady()));
    assertThat(HpaController.replicasForPodAverage(4, 100, quiet)).as("ready pods only: 40%% of 2").isEqualTo(1);
  }

  @Test
  void doesNotScaleWhenTheConservativeRatioReversesTheDirection() {
    // docs: "If the new ratio reverses the scale direction, or is within the tolerance, the control plane skips any
    // scaling action."
    var samples = pods(1, ready(150));
    samples.addAll(pods(2, missing()));
    assertThat(HpaController.replicasForPodAverage(3, 100, samples)).as("150/3 = 50%%: a reversal").isEqualTo(3);
    var within = pods(1, ready(320));
    within.addAll(pods(2, missing()));
    assertThat(HpaController.replicasForPodAverage(3, 100, within)).as("320/3 = 107%%: within").isEqualTo(3);
  }

  @Test
  void withSeveralMetricsTheLargestProposalWins() {
    // docs, "Scaling on multiple metrics": "chooses the metric with the highest replica count"
    var controller = new HpaController(cpu(1, 20, Hpa.Rules.defaultScaleUp(), Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(15, 4, List.of(5, 7, 6))).isEqualTo(7);
  }

  @Test
  void defaultScaleUpAddsFourPodsOrDoublesEveryFifteenSecondsWhicheverIsMore() {
    // docs, "Default Behavior": "There are 2 policies where 4 pods or a 100% of the currently running replicas may at
    // most be added every 15 seconds till the HPA reaches its steady state."
    var controller = new HpaController(cpu(1, 100, Hpa.Rules.defaultScaleUp(), Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(15, 2, List.of(50))).as("2 -> max(2+4, 2x2)").isEqualTo(6);
    assertThat(controller.reconcile(30, 6, List.of(50))).as("6 -> max(6+4, 6x2)").isEqualTo(12);
    assertThat(controller.reconcile(45, 12, List.of(50))).isEqualTo(24);
    assertThat(controller.reconcile(60, 24, List.of(50))).as("capped by the recommendation").isEqualTo(48);
    assertThat(controller.reconcile(75, 48, List.of(50))).isEqualTo(50);
  }

  @Test
  void scaleDownPoliciesPickTheLargestChangeAndRoundThePercentage() {
    // docs, "Scaling policies": Pods 4 and Percent 10 per 60 s: "if there are 80 replicas and the target has to be
    // scaled down to 10 replicas then during the first step 8 replicas will be reduced. In the next iteration when
    // the number of replicas is 72, 10% of the pods is 7.2 but the number is rounded up to 8."
    var down = new Hpa.Rules(0, Hpa.Select.MAX,
        List.of(new Hpa.Policy(Hpa.PolicyType.PODS, 4, 60), new Hpa.Policy(Hpa.PolicyType.PERCENT, 10, 60)));
    var controller = new HpaController(cpu(1, 100, Hpa.Rules.defaultScaleUp(), down));
    assertThat(controller.reconcile(15, 80, List.of(10))).isEqualTo(72);
    assertThat(controller.reconcile(30, 72, List.of(10))).as("within the period: no more").isEqualTo(72);
    assertThat(controller.reconcile(90, 72, List.of(10))).as("a new period: 72 - ceil(7.2)").isEqualTo(64);
    // "the second policy will only be used when the number of pod replicas is more than 40. With 40 or less
    // replicas, the first policy will be applied": 40 -> 36 either way, 30 -> 26 by Pods (Percent would give 27)
    var small = new HpaController(cpu(1, 100, Hpa.Rules.defaultScaleUp(), down));
    assertThat(small.reconcile(15, 30, List.of(10))).isEqualTo(26);
  }

  @Test
  void selectPolicyMinTakesTheSmallestChangeAndDisabledNone() {
    // docs: "selectPolicy ... Min to select the policy which allows the smallest change", "Disabled turns off scaling"
    var minDown = new Hpa.Rules(0, Hpa.Select.MIN,
        List.of(new Hpa.Policy(Hpa.PolicyType.PODS, 4, 60), new Hpa.Policy(Hpa.PolicyType.PERCENT, 10, 60)));
    assertThat(new HpaController(cpu(1, 100, Hpa.Rules.defaultScaleUp(), minDown)).reconcile(15, 80, List.of(10)))
        .isEqualTo(76);
    var disabled = new Hpa.Rules(0, Hpa.Select.DISABLED, List.of(new Hpa.Policy(Hpa.PolicyType.PODS, 4, 60)));
    assertThat(new HpaController(cpu(1, 100, disabled, Hpa.Rules.defaultScaleDown())).reconcile(15, 5, List.of(50)))
        .isEqualTo(5);
  }

  @Test
  void theScaleDownWindowKeepsTheHighestRecommendationOfItsPeriod() {
    // docs, "Stabilization window": "When the metrics indicate that the target should be scaled down the algorithm
    // looks into previously computed desired states, and uses the highest value from the specified interval."
    var controller = new HpaController(cpu(1, 100, Hpa.Rules.defaultScaleUp(), Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(0, 10, List.of(10))).isEqualTo(10);
    assertThat(controller.reconcile(60, 10, List.of(4))).as("10 was recommended 60 s ago").isEqualTo(10);
    assertThat(controller.reconcile(240, 10, List.of(3))).isEqualTo(10);
    assertThat(controller.reconcile(301, 10, List.of(3))).as("past 300 s the highest left is 4").isEqualTo(4);
    assertThat(controller.reconcile(541, 4, List.of(2))).isEqualTo(3);
  }

  @Test
  void aScaleUpWindowTakesTheLowestRecommendationOfItsPeriod() {
    // docs: stabilizationWindowSeconds applies to scaleUp the same way, with the lowest value (no window by default)
    var up = new Hpa.Rules(60, Hpa.Select.MAX, Hpa.Rules.defaultScaleUp().policies());
    var controller = new HpaController(cpu(1, 100, up, Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(0, 2, List.of(2))).isEqualTo(2);
    assertThat(controller.reconcile(15, 2, List.of(8))).as("2 still in the window").isEqualTo(2);
    assertThat(controller.reconcile(61, 2, List.of(8))).isEqualTo(6);
  }

  @Test
  void minAndMaxReplicasBoundEveryDecision() {
    var controller = new HpaController(cpu(2, 4, Hpa.Rules.defaultScaleUp(), Hpa.Rules.defaultScaleDown()));
    assertThat(controller.reconcile(15, 2, List.of(30))).isEqualTo(4);
    assertThat(controller.reconcile(15, 1, List.of(1))).as("below minReplicas").isEqualTo(2);
    assertThat(controller.reconcile(15, 9, List.of(9))).as("above maxReplicas").isEqualTo(4);
    var floor = new HpaController(cpu(2, 4, Hpa.Rules.defaultScaleUp(),
        new Hpa.Rules(0, Hpa.Select.MAX, Hpa.Rules.defaultScaleDown().policies())));
    assertThat(floor.reconcile(15, 4, List.of(1))).isEqualTo(2);
  }
}
