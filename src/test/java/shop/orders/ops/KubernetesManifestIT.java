package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifests the build generates (target/kubernetes/kubernetes.yml), read as objects. Runs after packaging. */
class KubernetesManifestIT {
  private static final List<JsonNode> OBJECTS = new ArrayList<>();

  @BeforeAll
  static void parse() throws Exception {
    var yaml = new ObjectMapper(new YAMLFactory());
    try (var parser = yaml.getFactory().createParser(Files.readString(Path.of("target/kubernetes/kubernetes.yml")))) {
      yaml.readValues(parser, JsonNode.class).forEachRemaining(OBJECTS::add);
    }
  }

  private static JsonNode only(String kind) {
    var found = OBJECTS.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }

  private static JsonNode container() {
    return only("Deployment").at("/spec/template/spec/containers/0");
  }

  @Test
  void probesUseTheManagementPort() {
    var container = container();
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container.path(probe).at("/httpGet/port").asInt()).as(probe).isEqualTo(9000);
    }
  }

  @Test
  void theDeploymentIsBoundedSecuredAndStopsGracefully() {
    var container = container();
    var pod = only("Deployment").at("/spec/template/spec");
    assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    int preStop = container.at("/lifecycle/preStop/sleep/seconds").asInt();
    assertThat(preStop).isPositive();
    // preStop plus quarkus.shutdown.timeout (20 s) must fit the grace period
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(preStop + 20);
    assertThat(pod.at("/topologySpreadConstraints/0/topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    assertThat(container.path("envFrom").findValuesAsText("name"))
        .contains("order-service-config", "order-service-secrets");
    assertThat(container.path("env").findValuesAsText("name")).doesNotContain("DB_URL", "DB_PASSWORD");
  }

  @Test
  void theAutoscalerScalesUpFastAndDownSlowly() {
    var hpa = only("HorizontalPodAutoscaler");
    assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
    assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("order-service");
    assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isGreaterThan(hpa.at("/spec/minReplicas").asInt());
    assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt()).isZero();
    assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isGreaterThanOrEqualTo(120);
  }

  @Test
  void aDisruptionBudgetKeepsAPodAndNoInitJobIsGenerated() {
    assertThat(only("PodDisruptionBudget").at("/spec/minAvailable").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(OBJECTS).noneMatch(o -> "Job".equals(o.path("kind").asText()));
    assertThat(only("Deployment").at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
  }
}
