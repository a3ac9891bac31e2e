package shop.orders.ops;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.EVENT;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.strict;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/** Values the chart refuses, and every object it renders read strictly against the Kubernetes API. */
class HelmChartValidationTests {

  @Test
  void everyObjectOfTheDefaultsIsAValidKubernetesObject() {
    assertThat(strict(t -> t)).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "NetworkPolicy", "Pod", "Job");
  }

  @Test
  void everyObjectOfTheEventOverlayIsAValidKubernetesObject() {
    assertThat(strict(t -> t.withValuesFile(EVENT))).hasSize(9).extracting(HasMetadata::getKind)
        .contains("HorizontalPodAutoscaler", "PodDisruptionBudget");
  }

  @Test
  void everyObjectWithMonitoringOnIsAValidKubernetesObject() {
    var objects = strict(t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true")
        .set("serviceMonitor.labels.release", "prometheus").set("prometheusRule.enabled", "true")
        .set("dashboard.enabled", "true"));
    assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "PrometheusRule");
    assertThat(objects).filteredOn(o -> o.getKind().equals("ConfigMap")).hasSize(2);
  }

  @Test
  void everyObjectWithoutTheAutoscalerIsAValidKubernetesObject() {
    List<HasMetadata> objects = strict(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3"));
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("HorizontalPodAutoscaler");
    var deployment = (Deployment) objects.stream().filter(Deployment.class::isInstance).findFirst().orElseThrow();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(objects).filteredOn(NetworkPolicy.class::isInstance).hasSize(1);
  }

  @Test
  void anAutoscalerThatCannotExistIsRefused() {
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.minReplicas", "6").set("podDisruptionBudget.minAvailable", "1")))
        .hasMessageContaining("autoscaling.minReplicas 6 is larger than autoscaling.maxReplicas 4");
  }

  @Test
  void aDisruptionBudgetThatBlocksEveryDrainIsRefused() {
    assertThatThrownBy(() -> render(t -> t.set("podDisruptionBudget.minAvailable", "2")))
        .hasMessageContaining("podDisruptionBudget.minAvailable 2 must leave a pod to evict at autoscaling.minReplicas 2");
    assertThatThrownBy(() -> render(t -> t.withValuesFile(EVENT).set("podDisruptionBudget.minAvailable", "100%")))
        .hasMessageContaining("it keeps 4 of 4 pods");
    assertThatThrownBy(() -> render(t -> t.set("podDisruptionBudget.maxUnavailable", "0")))
        .hasMessageContaining("podDisruptionBudget.maxUnavailable 0 lets no pod be evicted");
    assertThatThrownBy(() -> render(t -> t.set("podDisruptionBudget.maxUnavailable", "0%")))
        .hasMessageContaining("lets no pod be evicted");
    assertThatThrownBy(() -> render(t -> t.set("podDisruptionBudget.maxUnavailable", "half")))
        .hasMessageContaining("maxUnavailable");
    assertThat(render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "1"))).as("one pod may go")
        .isNotEmpty();
  }

  @Test
  void theDisruptionBudgetTakesNumbersAndPercentages() {
    var percent = only(render(t -> t.set("podDisruptionBudget.maxUnavailable", "25%")), "PodDisruptionBudget");
    assertThat(percent.at("/spec/maxUnavailable").asText()).isEqualTo("25%");
    var kept = only(render(t -> t.withValuesFile(EVENT).set("podDisruptionBudget.minAvailable", "50%")),
        "PodDisruptionBudget");   // the event overlay keeps 3 of its 4 pods; 50% overrides it
    assertThat(kept.at("/spec/minAvailable").asText()).isEqualTo("50%");
    assertThat(kept.at("/spec/maxUnavailable").isMissingNode()).as("one of the two, as the API requires").isTrue();
    assertThat(HelmChartRendering.strict(t -> t.withValuesFile(EVENT).set("podDisruptionBudget.minAvailable", "50%")
        .set("podDisruptionBudget.unhealthyPodEvictionPolicy", "IfHealthyBudget"))).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      autoscaling.maxReplica         | 6      | at '/autoscaling': additional properties 'maxReplica' not allowed
      databse.url                    | x      | at '': additional properties 'databse' not allowed
      serviceMonitor.label.release   | p      | at '/serviceMonitor': additional properties 'label' not allowed
      resources.limits.cpus          | 2      | at '/resources/limits': additional properties 'cpus' not allowed
      resources.limits.cpu           | abc    | at '/resources/limits/cpu'
      resources.requests.memory      | 1GB    | at '/resources/requests/memory'
      resources.limits.memory        | lots   | at '/resources/limits/memory'
      tmpSizeLimit                   | big    | at '/tmpSizeLimit'
      rollout.maxSurge               | -1     | at '/rollout/maxSurge'
      rollout.maxSurge               | 1.5%   | at '/rollout/maxSurge'
      extraConfig.quarkus\\.log\\.level | INFO | invalid propertyName 'quarkus.log.level'
      shutdown.delay                 | 5      | at '/shutdown': additional properties 'delay' not allowed
      shutdown.timeoutSeconds        | 0      | at '/shutdown/timeoutSeconds'
      terminationGracePeriodSeconds  | 0      | at '/terminationGracePeriodSeconds'
      migrations.job.enable          | true   | at '/migrations/job': additional properties 'enable' not allowed
      migrations.job.backoffLimit    | -1     | at '/migrations/job/backoffLimit'
      migrations.job.resources.limits.memory | lots | at '/migrations/job/resources/limits/memory'
      """)
  void misspelledKeysAndMalformedQuantitiesAreRefusedBySchema(String key, String value, String message) {
    assertThatThrownBy(() -> render(t -> t.set(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      resources.limits.cpu      | 1500m
      resources.limits.cpu      | 0.5
      resources.limits.cpu      | 2
      resources.limits.memory   | 1536Mi
      resources.requests.memory | 1G
      rollout.maxSurge          | 25%
      """)
  void wellFormedQuantitiesPassTheSchema(String key, String value) {
    assertThat(render(t -> t.set(key, value).set("autoscaling.maxReplicas", "3"))).isNotEmpty();
  }
}
