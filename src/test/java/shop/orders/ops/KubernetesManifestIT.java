package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.orders.testing.KubernetesSchemas;
import shop.orders.testing.StrictKubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests the build generates (target/kubernetes/kubernetes.yml), read strictly against the Kubernetes API
 * models, validated against the API of Kubernetes 1.30 and of the newest release (testing.KubernetesSchemas), and as
 * they must be to apply on a cluster, again, and over the previous version. Runs after packaging.
 */
class KubernetesManifestIT {
  private static final Path GENERATED = Path.of("target/kubernetes/kubernetes.yml");
  private static final List<JsonNode> OBJECTS = new ArrayList<>();

  @BeforeAll
  static void parse() throws Exception {
    OBJECTS.addAll(read(GENERATED));
  }

  private static List<JsonNode> read(Path manifests) throws IOException {
    var yaml = new ObjectMapper(new YAMLFactory());
    var objects = new ArrayList<JsonNode>();
    try (var parser = yaml.getFactory().createParser(Files.readString(manifests))) {
      yaml.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
    }
    return objects;
  }

  @Test
  void everyObjectIsValidForTheKubernetesApi() throws IOException {
    var strict = StrictKubernetes.parse(Files.readString(GENERATED), Set.of());
    assertThat(strict).extracting(o -> o.getKind()).containsExactlyInAnyOrder(
        "ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget");
  }

  @Test
  void everyObjectIsValidInKubernetes130AndTheNewestRelease() {
    assertThat(KubernetesSchemas.assertValid(OBJECTS, Set.of())).isEqualTo(5);
  }

  @Test
  void selectorsNameTheApplicationOnlyNeverItsVersion() {
    List<JsonNode> selectors = List.of(only("Deployment").at("/spec/selector/matchLabels"),
        only("Service").at("/spec/selector"), only("PodDisruptionBudget").at("/spec/selector/matchLabels"),
        only("Deployment").at("/spec/template/spec/topologySpreadConstraints/0/labelSelector/matchLabels"));
    for (JsonNode selector : selectors) {
      assertThat(selector.properties()).extracting(Map.Entry::getKey)
          .containsExactly("app.kubernetes.io/name");
    }
  }

  @Test
  void theImageComesFromTheConfiguredRegistryAndGroupNotTheBuildUser() {
    assertThat(container().path("image").asText())
        .isEqualTo("registry.example.com/shop/order-service:" + only("Deployment")
            .at("/metadata/labels/app.kubernetes.io~1version").asText());
  }

  @Test
  void nothingReferencesAConfigMapTheManifestsDoNotCreate() {
    var created = OBJECTS.stream().filter(o -> "ConfigMap".equals(o.path("kind").asText()))
        .map(o -> o.at("/metadata/name").asText()).toList();
    assertThat(container().path("envFrom").findValuesAsText("name")).contains("order-service-config");
    container().path("envFrom").forEach(from -> {
      if (from.has("configMapRef")) {
        assertThat(created).contains(from.at("/configMapRef/name").asText());
      }
    });
  }

  @Test
  void podsMeetPodSecurityRestricted() {
    var pod = only("Deployment").at("/spec/template/spec");
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container().at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container().at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
  }

  @Test
  void noServiceMonitorScrapesEveryServiceOfTheNamespace() {
    assertThat(OBJECTS).noneMatch(o -> "ServiceMonitor".equals(o.path("kind").asText()));
    var pod = only("Deployment").at("/spec/template/metadata/annotations");
    assertThat(pod.path("prometheus.io/port").asText()).isEqualTo("9000");
    assertThat(pod.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
  }

  @Test
  void probesAreTheChartsAndTheMemoryRequestIsTheLimit() {
    JsonNode chart = HelmChartRendering.only(HelmChartRendering.render(t -> t), "Deployment")
        .at("/spec/template/spec/containers/0");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container().path(probe).path("timeoutSeconds").asInt()).as(probe).isGreaterThanOrEqualTo(3);
      for (String setting : List.of("periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")) {
        assertThat(container().path(probe).path(setting).asInt(1)).as(probe + "." + setting)
            .isEqualTo(chart.path(probe).path(setting).asInt(1));
      }
      assertThat(container().path(probe).path("initialDelaySeconds").asInt(0)).as(probe + ".initialDelaySeconds")
          .isEqualTo(chart.path(probe).path("initialDelaySeconds").asInt(0));
      assertThat(container().path(probe).at("/httpGet/path")).isEqualTo(chart.path(probe).at("/httpGet/path"));
    }
    assertThat(container().at("/resources/requests/memory").asText())
        .isEqualTo(container().at("/resources/limits/memory").asText());
  }

  @Test
  void podsStopAsTheChartsDo() {
    var objects = HelmChartRendering.render(t -> t);
    JsonNode chartPod = HelmChartRendering.only(objects, "Deployment").at("/spec/template/spec");
    JsonNode chartConfig = HelmChartRendering.only(objects, "ConfigMap").path("data");
    var config = only("ConfigMap").path("data");
    for (String key : List.of("QUARKUS_SHUTDOWN_DELAY", "QUARKUS_SHUTDOWN_TIMEOUT")) {
      assertThat(config.path(key).asText()).as(key).isEqualTo(chartConfig.path(key).asText());
    }
    assertThat(only("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
        .isEqualTo(chartPod.path("terminationGracePeriodSeconds").asInt());
    assertThat(container().path("lifecycle")).isEqualTo(chartPod.at("/containers/0/lifecycle"));
  }

  /**
   * The next version, built from the same sources with another version number (a nested quarkus:build into
   * target/kubernetes-upgrade), applies over this one: no field the API server refuses to change differs.
   */
  @Test
  void theNextVersionChangesNoImmutableField() throws Exception {
    Path out = Path.of("target/kubernetes-upgrade");
    var build = new ProcessBuilder("./mvnw", "-B", "-q", "-o", "quarkus:build", "-DskipTests",
        "-Dquarkus.application.version=99.0.0", "-Dquarkus.kubernetes.output-directory=" + out,
        "-Dquarkus.package.output-directory=upgrade-app")
        .redirectErrorStream(true).redirectOutput(Path.of("target/kubernetes-upgrade.log").toFile()).start();
    assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the second build ended within 5 min").isTrue();
    assertThat(build.exitValue()).as(Files.readString(Path.of("target/kubernetes-upgrade.log"))).isZero();
    var next = read(out.resolve("kubernetes.yml"));

    JsonNode deployment = only(next, "Deployment");
    assertThat(deployment.at("/metadata/labels/app.kubernetes.io~1version").asText()).isEqualTo("99.0.0");
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).endsWith(":99.0.0");
    for (String kind : List.of("Deployment", "PodDisruptionBudget")) {
      assertThat(only(next, kind).at("/spec/selector")).as(kind + " selector")
          .isEqualTo(only(kind).at("/spec/selector"));
    }
    assertThat(only(next, "Service").at("/spec/selector")).isEqualTo(only("Service").at("/spec/selector"));
    assertThat(only(next, "Service").at("/spec/clusterIP")).isEqualTo(only("Service").at("/spec/clusterIP"));
  }

  private static JsonNode only(List<JsonNode> objects, String kind) {
    var found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }

  private static JsonNode only(String kind) {
    return only(OBJECTS, kind);
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
    // The application drains by itself (the shutdown delay): a preStop sleep would add to it.
    assertThat(container.path("lifecycle").isMissingNode()).as("no preStop hook").isTrue();
    var config = only("ConfigMap").path("data");
    assertThat(config.path("QUARKUS_SHUTDOWN_DELAY").asText()).isEqualTo("5s");
    assertThat(config.path("QUARKUS_SHUTDOWN_TIMEOUT").asText()).isEqualTo("20s");
    // the delay plus the timeout plus 5 s of margin must fit the grace period, as the chart checks
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(5 + 20 + 5);
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
