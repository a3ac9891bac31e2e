package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The pods a release runs outside a rollout, from the values Helm computed: the autoscaler's bounds, or replicaCount
 * without autoscaling (the chart's order-service.maxPods; KEDA scales within the same bounds).
 *
 * @param autoscaled autoscaling.enabled
 * @param fewest     autoscaling.minReplicas, or replicaCount
 * @param most       autoscaling.maxReplicas, or replicaCount
 */
public record Replicas(boolean autoscaled, int fewest, int most) {

  public static Replicas of(JsonNode values) {
    JsonNode autoscaling = values.path("autoscaling");
    if (autoscaling.path("enabled").asBoolean()) {
      return new Replicas(true, autoscaling.path("minReplicas").asInt(), autoscaling.path("maxReplicas").asInt());
    }
    int count = values.path("replicaCount").asInt();
    return new Replicas(false, count, count);
  }

  /** The value the most pods come from, for a message that says what to lower. */
  public String mostValue() {
    return autoscaled ? "autoscaling.maxReplicas" : "replicaCount";
  }
}
