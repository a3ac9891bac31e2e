package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What a HorizontalPodAutoscaler (autoscaling/v2) asks for: its bounds, its metrics and its behaviour. Read from the
 * chart's rendered HorizontalPodAutoscaler, or from the HorizontalPodAutoscaler KEDA makes of a ScaledObject.
 * Defaults are those of the Kubernetes API reference (HPAScalingRules, "Default Behavior" in
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior).
 */
public record Hpa(int minReplicas, int maxReplicas, List<Metric> metrics, Rules scaleUp, Rules scaleDown) {

  public Hpa {
    if (minReplicas < 1 || maxReplicas < minReplicas) {
      throw new IllegalArgumentException("replicas " + minReplicas + ".." + maxReplicas);
    }
    metrics = List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("an autoscaler without metrics");
    }
  }

  /** What a metric measures, and what the autoscaler aims for. */
  public sealed interface Metric {
    /** CPU used by each ready pod as a percentage of its CPU request, averaged over the pods (type Resource). */
    record CpuUtilization(int targetPercent) implements Metric {
    }

    /** Order requests offered per second across the pods (refused ones included), per pod (KEDA's prometheus). */
    record OfferedOrdersPerPod(double targetPerPod) implements Metric {
    }

    /** KEDA's cron scaler: desiredReplicas between start and end (seconds of the simulation), target 1 per pod. */
    record Schedule(long startSecond, long endSecond, int desiredReplicas) implements Metric {
      boolean activeAt(long second) {
        return second >= startSecond && second < endSecond;
      }
    }
  }

  public enum Select { MAX, MIN, DISABLED }

  public enum PolicyType { PODS, PERCENT }

  public record Policy(PolicyType type, int value, int periodSeconds) {
  }

  public record Rules(int stabilizationWindowSeconds, Select select, List<Policy> policies) {
    public Rules {
      policies = List.copyOf(policies);
    }

    /** scaleUp when the HPA names none: no window; 100% or 4 pods every 15 s, whichever is more. */
    public static Rules defaultScaleUp() {
      return new Rules(0, Select.MAX,
          List.of(new Policy(PolicyType.PERCENT, 100, 15), new Policy(PolicyType.PODS, 4, 15)));
    }

    /** scaleDown when the HPA names none: a 300 s window; down to the recommendation (100% every 15 s). */
    public static Rules defaultScaleDown() {
      return new Rules(300, Select.MAX, List.of(new Policy(PolicyType.PERCENT, 100, 15)));
    }
  }

  /** An autoscaling/v2 HorizontalPodAutoscaler as rendered; its CPU metric is the only kind it may name here. */
  public static Hpa fromHorizontalPodAutoscaler(JsonNode hpa) {
    JsonNode spec = hpa.path("spec");
    List<Metric> metrics = new ArrayList<>();
    for (JsonNode m : spec.path("metrics")) {
      if (!"Resource".equals(m.path("type").asText()) || !"cpu".equals(m.path("resource").path("name").asText())) {
        throw new IllegalArgumentException("the simulator models CPU and KEDA's triggers only, not " + m);
      }
      metrics.add(new Metric.CpuUtilization(m.path("resource").path("target").path("averageUtilization").asInt()));
    }
    return new Hpa(spec.path("minReplicas").asInt(1), spec.path("maxReplicas").asInt(), metrics,
        rules(spec.path("behavior").path("scaleUp"), Rules.defaultScaleUp()),
        rules(spec.path("behavior").path("scaleDown"), Rules.defaultScaleDown()));
  }

  /**
   * A KEDA ScaledObject as the HorizontalPodAutoscaler KEDA creates from it: minReplicaCount and maxReplicaCount,
   * advanced.horizontalPodAutoscalerConfig.behavior, one metric per trigger (cpu: Resource Utilization;
   * prometheus: External AverageValue with the threshold as target; cron: External AverageValue 1 whose value is
   * desiredReplicas inside the window). Cron expressions are mapped to simulation seconds by {@code cronWindow}.
   */
  public static Hpa fromScaledObject(JsonNode scaledObject, CronWindows cronWindow) {
    JsonNode spec = scaledObject.path("spec");
    List<Metric> metrics = new ArrayList<>();
    for (JsonNode trigger : spec.path("triggers")) {
      JsonNode meta = trigger.path("metadata");
      switch (trigger.path("type").asText()) {
        case "cpu" -> metrics.add(new Metric.CpuUtilization(Integer.parseInt(meta.path("value").asText())));
        case "prometheus" -> {
          String query = meta.path("query").asText();
          if (!query.contains("http_server_requests_seconds_count") || !query.contains("/api/orders")) {
            throw new IllegalArgumentException("the simulator knows the offered-orders query only, not " + query);
          }
          metrics.add(new Metric.OfferedOrdersPerPod(Double.parseDouble(meta.path("threshold").asText())));
        }
        case "cron" -> {
          long[] window = cronWindow.window(meta.path("start").asText(), meta.path("end").asText());
          metrics.add(new Metric.Schedule(window[0], window[1],
              Integer.parseInt(meta.path("desiredReplicas").asText())));
        }
        default -> throw new IllegalArgumentException("trigger not simulated: " + trigger.path("type").asText());
      }
    }
    JsonNode behavior = spec.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior");
    return new Hpa(spec.path("minReplicaCount").asInt(1), spec.path("maxReplicaCount").asInt(100), metrics,
        rules(behavior.path("scaleUp"), Rules.defaultScaleUp()),
        rules(behavior.path("scaleDown"), Rules.defaultScaleDown()));
  }

  /** Where a cron trigger's start and end expressions fall on the simulation's clock: {start, end} seconds. */
  @FunctionalInterface
  public interface CronWindows {
    long[] window(String startExpression, String endExpression);
  }

  private static Rules rules(JsonNode node, Rules defaults) {
    if (node.isMissingNode() || node.isNull()) {
      return defaults;
    }
    int window = node.has("stabilizationWindowSeconds")
        ? node.path("stabilizationWindowSeconds").asInt() : defaults.stabilizationWindowSeconds();
    Select select = node.has("selectPolicy")
        ? switch (node.path("selectPolicy").asText()) {
            case "Min" -> Select.MIN;
            case "Disabled" -> Select.DISABLED;
            default -> Select.MAX;
          }
        : Select.MAX;
    List<Policy> policies = new ArrayList<>();
    for (JsonNode p : node.path("policies")) {
      policies.add(new Policy("Pods".equals(p.path("type").asText()) ? PolicyType.PODS : PolicyType.PERCENT,
          p.path("value").asInt(), p.path("periodSeconds").asInt()));
    }
    return new Rules(window, select, policies.isEmpty() ? defaults.policies() : policies);
  }
}
