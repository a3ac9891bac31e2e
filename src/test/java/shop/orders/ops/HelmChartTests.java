package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart users install (helm/order-service), rendered by the real Helm engine. */
class HelmChartTests {
  private static final Path CHART = Path.of("helm/order-service");
  private static final Path EVENT = CHART.resolve("values-event.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<JsonNode> render(UnaryOperator<TemplateCommand> options) throws IOException {
    String manifests = options.apply(new Helm(CHART).template().withName("orders")).call();
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(manifests)) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
        if (o != null && o.has("kind")) {
          objects.add(o);
        }
      });
    }
    return objects;
  }

  private static JsonNode only(List<JsonNode> objects, String kind) {
    var found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }

  @Test
  void theChartLintsCleanly() {
    var result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderAnAutoscaledHardenedDeployment() throws IOException {
    var objects = render(t -> t);

    var hpa = only(objects, "HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(2);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(4);
    assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(60);
    assertThat(hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt()).isZero();
    assertThat(hpa.at("/spec/behavior/scaleUp/policies/0/periodSeconds").asInt()).isEqualTo(15);
    assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(300);
    assertThat(only(objects, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(1);

    var deployment = only(objects, "Deployment");
    var pod = deployment.at("/spec/template/spec");
    var container = pod.at("/containers/0");
    assertThat(deployment.at("/spec/replicas").isMissingNode()).as("the autoscaler owns replicas").isTrue();
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(container.path(probe).at("/httpGet/port").asText()).isEqualTo("management");
    }
    assertThat(container.at("/ports/1/containerPort").asInt()).isEqualTo(9000);
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("500m");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1Gi");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("terminationGracePeriodSeconds").asInt())
        .isGreaterThanOrEqualTo(container.at("/lifecycle/preStop/sleep/seconds").asInt() + 20);

    var config = only(objects, "ConfigMap");
    assertThat(config.at("/data/QUARKUS_DATASOURCE_JDBC_MAX_SIZE").asText()).isEqualTo("20");
    assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("ServiceMonitor"));
  }

  @Test
  void theEventOverlayPrewarmsMorePods() throws IOException {
    var objects = render(t -> t.withValuesFile(EVENT));

    var hpa = only(objects, "HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(4);
    assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(900);
    var config = only(objects, "ConfigMap");
    assertThat(config.at("/data/QUARKUS_DATASOURCE_JDBC_MIN_SIZE").asText())
        .isEqualTo(config.at("/data/QUARKUS_DATASOURCE_JDBC_MAX_SIZE").asText());
    assertThat(only(objects, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(3);
  }

  @Test
  void monitoringObjectsAreOptional() throws IOException {
    var objects = render(t -> t.set("serviceMonitor.enabled", "true").set("dashboard.enabled", "true"));

    assertThat(only(objects, "ServiceMonitor").at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    var dashboard = objects.stream().filter(o -> o.at("/metadata/name").asText().endsWith("-dashboard")).findFirst();
    assertThat(dashboard).get().satisfies(d -> {
      assertThat(d.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
      assertThat(d.at("/data/order-service.json").asText()).contains("agroal_awaiting_count");
    });
  }

  @Test
  void thePrometheusRuleCarriesTheAlertsOfOpsPrometheus() throws IOException {
    var rule = only(render(t -> t.set("prometheusRule.enabled", "true")), "PrometheusRule");
    List<String> alerts = new ArrayList<>();
    rule.at("/spec/groups/0/rules").forEach(r -> alerts.add(r.path("alert").asText()));
    assertThat(alerts).contains("OrderDbPoolSaturated", "PaymentGatewayBreakerOpen", "HostDiskAlmostFullDbOrRedis");
  }

  @Test
  void moreConnectionsThanTheDatabaseAllowsAreRefusedWithTheNumbersToChange() {
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.maxReplicas", "10")))
        .hasMessageContaining("capacity guard")
        .hasMessageContaining("10 pods x database.pool.maxSize 20 = 200 connections")
        .hasMessageContaining("budget of 90")
        .hasMessageContaining("autoscaling.maxReplicas");
    assertThatThrownBy(() -> render(t -> t.withValuesFile(EVENT).set("database.maxConnections", "60")))
        .hasMessageContaining("capacity guard");
  }

  @Test
  void theGuardCountsFixedReplicasWhenAutoscalingIsOff() throws IOException {
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "5")))
        .hasMessageContaining("5 pods");
    assertThat(only(render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3")), "Deployment")
        .at("/spec/replicas").asInt()).isEqualTo(3);
  }
}
