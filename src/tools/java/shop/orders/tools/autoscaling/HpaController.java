package shop.orders.tools.autoscaling;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The Horizontal Pod Autoscaler's controller, one reconciliation at a time, as the Kubernetes documentation describes
 * it (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/, "Algorithm details", "Configurable
 * scaling behavior") and kube-controller-manager implements it (pkg/controller/podautoscaler: replica_calculator.go
 * and horizontal.go): per metric {@code ceil(currentReplicas x currentMetricValue / desiredMetricValue)}, skipped
 * within the 0.1 tolerance; pods not yet ready and pods without metrics set aside and counted conservatively; the
 * largest proposal of all metrics; the stabilization windows over past recommendations; the scaling policies over
 * the scale events of their periods; then minReplicas and maxReplicas. Time is whole seconds, supplied by the caller.
 */
public final class HpaController {
  /** --horizontal-pod-autoscaler-tolerance, 0.1 by default. */
  public static final double TOLERANCE = 0.1;
  /** --horizontal-pod-autoscaler-sync-period, 15 s by default. */
  public static final int SYNC_PERIOD_SECONDS = 15;

  private final Hpa hpa;
  private final List<long[]> recommendations = new ArrayList<>(); // {second, replicas}
  private final List<long[]> scaleUpEvents = new ArrayList<>(); // {second, pods added}
  private final List<long[]> scaleDownEvents = new ArrayList<>(); // {second, pods removed}
  private boolean seeded;

  public HpaController(Hpa hpa) {
    this.hpa = hpa;
  }

  public Hpa hpa() {
    return hpa;
  }

  /**
   * One pod as the replica calculator groups it (replica_calculator.go, groupPods): with a usable sample; missing
   * (running, no sample yet); or set aside as unready (pending, or for CPU not ready or sampled before it was).
   */
  public record PodSample(boolean ready, OptionalDouble value) {
    public static PodSample ready(double value) {
      return new PodSample(true, OptionalDouble.of(value));
    }

    public static PodSample missing() {
      return new PodSample(true, OptionalDouble.empty());
    }

    public static PodSample notReady() {
      return new PodSample(false, OptionalDouble.empty());
    }
  }

  /** A proposal no metric could make (no samples, a query without data): the metric is invalid. */
  public static final int INVALID = -1;

  /**
   * CPU utilisation averaged over pods (a Resource metric with a target utilisation): the replicas it proposes,
   * {@code currentReplicas} when it proposes no change, {@link #INVALID} without any usable sample. Unready pods are
   * set aside (counted as 0 when scaling up, as the documentation says of pods not yet ready); pods without a sample
   * count as 0 when scaling up and, scaling down, as using their whole request (GetResourceReplicas:
   * max(100, target) percent); if that reverses the direction or lands within the tolerance, nothing changes.
   */
  public static int replicasForPodAverage(int currentReplicas, double target, List<PodSample> pods) {
    List<Double> values = new ArrayList<>();
    int missing = 0;
    int notReady = 0;
    for (PodSample pod : pods) {
      if (!pod.ready()) {
        notReady++;
      } else if (pod.value().isEmpty()) {
        missing++;
      } else {
        values.add(pod.value().getAsDouble());
      }
    }
    if (values.isEmpty()) {
      return INVALID; // "did not receive metrics for targeted pods"
    }
    double usageRatio = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow() / target;
    boolean rebalanceNotReady = notReady > 0 && usageRatio > 1.0;
    if (!rebalanceNotReady && missing == 0) {
      return withinTolerance(usageRatio) ? currentReplicas : (int) Math.ceil(usageRatio * values.size());
    }
    if (missing > 0) {
      double assumed = usageRatio < 1.0 ? Math.max(100, target) : 0.0;
      for (int i = 0; i < missing; i++) {
        values.add(assumed);
      }
    }
    if (rebalanceNotReady) {
      for (int i = 0; i < notReady; i++) {
        values.add(0.0);
      }
    }
    double newUsageRatio = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow() / target;
    if (withinTolerance(newUsageRatio) || usageRatio < 1.0 && newUsageRatio > 1.0
        || usageRatio > 1.0 && newUsageRatio < 1.0) {
      return currentReplicas;
    }
    int newReplicas = (int) Math.ceil(newUsageRatio * values.size());
    if (newUsageRatio < 1.0 && newReplicas > currentReplicas || newUsageRatio > 1.0 && newReplicas < currentReplicas) {
      return currentReplicas;
    }
    return newReplicas;
  }

  /** An External metric with an AverageValue target: {@code ceil(total / target)} outside the tolerance. */
  public static int replicasForExternalAverage(int currentReplicas, double target, double total) {
    double usageRatio = total / (target * currentReplicas);
    return withinTolerance(usageRatio) ? currentReplicas : (int) Math.ceil(total / target);
  }

  private static boolean withinTolerance(double usageRatio) {
    return Math.abs(1.0 - usageRatio) <= TOLERANCE;
  }

  /**
   * One reconciliation at {@code second}: {@code currentReplicas} is the scale target's replica count,
   * {@code proposals} what each metric proposes ({@link #INVALID} for a metric that could not be read). As
   * computeReplicasForMetrics: no change when every metric is invalid, or when some are and the valid ones would
   * scale down; the first reconciliation seeds the recommendations with the current count
   * (recordInitialRecommendation). Returns the replicas to set.
   */
  public int reconcile(long second, int currentReplicas, List<Integer> proposals) {
    if (!seeded) {
      recommendations.add(new long[] {second, currentReplicas});
      seeded = true;
    }
    int desired;
    if (currentReplicas > hpa.maxReplicas()) {
      desired = hpa.maxReplicas();
    } else if (currentReplicas < hpa.minReplicas()) {
      desired = hpa.minReplicas();
    } else {
      boolean anyInvalid = proposals.stream().anyMatch(p -> p == INVALID);
      int metricsProposal = proposals.stream().mapToInt(Integer::intValue).filter(p -> p != INVALID).max()
          .orElse(INVALID);
      if (metricsProposal == INVALID || anyInvalid && metricsProposal < currentReplicas) {
        return currentReplicas;
      }
      int stabilized = stabilize(second, currentReplicas, metricsProposal);
      desired = limitByPolicies(second, currentReplicas, stabilized);
    }
    if (desired > currentReplicas) {
      scaleUpEvents.add(new long[] {second, desired - currentReplicas});
    } else if (desired < currentReplicas) {
      scaleDownEvents.add(new long[] {second, currentReplicas - desired});
    }
    return desired;
  }

  /**
   * Scale up to the lowest recommendation of the scale-up window, down to the highest of the scale-down window
   * (the current one included); the raw recommendation is remembered.
   */
  private int stabilize(long second, int currentReplicas, int recommendation) {
    long upCutoff = second - hpa.scaleUp().stabilizationWindowSeconds();
    long downCutoff = second - hpa.scaleDown().stabilizationWindowSeconds();
    int up = recommendation;
    int down = recommendation;
    for (long[] past : recommendations) {
      if (past[0] > upCutoff) {
        up = (int) Math.min(up, past[1]);
      }
      if (past[0] > downCutoff) {
        down = (int) Math.max(down, past[1]);
      }
    }
    long keep = Math.min(upCutoff, downCutoff);
    recommendations.removeIf(past -> past[0] < keep);
    recommendations.add(new long[] {second, recommendation});
    int stabilized = Math.max(currentReplicas, up);
    return Math.min(stabilized, down);
  }

  private int limitByPolicies(long second, int currentReplicas, int desired) {
    if (desired > currentReplicas) {
      int limit = Math.max(scaleUpLimit(second, currentReplicas), currentReplicas);
      return Math.min(desired, Math.min(hpa.maxReplicas(), limit));
    }
    if (desired < currentReplicas) {
      int limit = Math.min(scaleDownLimit(second, currentReplicas), currentReplicas);
      return Math.max(desired, Math.max(hpa.minReplicas(), limit));
    }
    return desired;
  }

  private int scaleUpLimit(long second, int currentReplicas) {
    Hpa.Rules rules = hpa.scaleUp();
    if (rules.select() == Hpa.Select.DISABLED) {
      return currentReplicas;
    }
    boolean most = rules.select() == Hpa.Select.MAX;
    int result = most ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (Hpa.Policy policy : rules.policies()) {
      int periodStart = periodStart(second, currentReplicas, policy.periodSeconds());
      int proposed = policy.type() == Hpa.PolicyType.PODS
          ? periodStart + policy.value()
          : (int) Math.ceil(periodStart * (1 + policy.value() / 100.0));
      result = most ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  private int scaleDownLimit(long second, int currentReplicas) {
    Hpa.Rules rules = hpa.scaleDown();
    if (rules.select() == Hpa.Select.DISABLED) {
      return currentReplicas;
    }
    boolean most = rules.select() == Hpa.Select.MAX;
    int result = most ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (Hpa.Policy policy : rules.policies()) {
      int periodStart = periodStart(second, currentReplicas, policy.periodSeconds());
      int proposed = policy.type() == Hpa.PolicyType.PODS
          ? periodStart - policy.value()
          : (int) (periodStart * (1 - policy.value() / 100.0));
      result = most ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /** The replicas at the start of a policy's period: what was added in it taken off, what was removed put back. */
  private int periodStart(long second, int currentReplicas, int periodSeconds) {
    return currentReplicas - changeWithin(scaleUpEvents, second, periodSeconds)
        + changeWithin(scaleDownEvents, second, periodSeconds);
  }

  private static int changeWithin(List<long[]> events, long second, int periodSeconds) {
    long cutoff = second - periodSeconds;
    return (int) events.stream().filter(e -> e[0] > cutoff).mapToLong(e -> e[1]).sum();
  }
}
