package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.CHART;
import static shop.orders.ops.HelmChartRendering.SOURCE;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/** The conventions of `helm create` and widely used charts: names per release, labels, notes, test hook, docs. */
class HelmChartConventionsTests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<JsonNode> everything(Path chart, String release) {
    return objects(renderYaml(chart, release, t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true")
        .set("prometheusRule.enabled", "true").set("dashboard.enabled", "true")));
  }

  @Test
  void everyObjectIsNamedAfterTheReleaseAndCarriesTheStandardLabels() {
    var objects = everything(CHART, "orders");
    assertThat(objects).extracting(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
        .contains("Deployment/orders-order-service", "Service/orders-order-service",
            "ConfigMap/orders-order-service-config", "ConfigMap/orders-order-service-dashboard",
            "HorizontalPodAutoscaler/orders-order-service", "PodDisruptionBudget/orders-order-service",
            "ServiceAccount/orders-order-service", "NetworkPolicy/orders-order-service",
            "ServiceMonitor/orders-order-service", "PrometheusRule/orders-order-service",
            "Pod/orders-order-service-test", "Job/orders-order-service-migrate");
    for (JsonNode object : objects) {
      var labels = object.at("/metadata/labels");
      assertThat(labels.path("helm.sh/chart").asText()).as(object.at("/metadata/name").asText())
          .matches("order-service-\\d+\\.\\d+\\.\\d+");
      assertThat(labels.path("app.kubernetes.io/instance").asText()).isEqualTo("orders");
      assertThat(labels.path("app.kubernetes.io/managed-by").asText()).isEqualTo("Helm");
    }
    var deployment = only(objects, "Deployment");
    assertThat(deployment.at("/metadata/labels/app.kubernetes.io~1version").asText()).isEqualTo("1.0.0");
    assertThat(deployment.at("/spec/template/metadata/labels/helm.sh~1chart").isMissingNode()).isFalse();
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("orders-order-service");
    assertThat(deployment.at("/spec/template/spec/containers/0/envFrom/0/configMapRef/name").asText())
        .isEqualTo("orders-order-service-config");
    assertThat(only(objects, "HorizontalPodAutoscaler").at("/spec/scaleTargetRef/name").asText())
        .isEqualTo("orders-order-service");
  }

  @Test
  void selectorsUseOnlyNameAndInstance() {
    for (var selector : matchLabels(everything(CHART, "orders")).entrySet()) {
      assertThat(selector.getValue()).as(selector.getKey())
          .isEqualTo(Map.of("app.kubernetes.io/name", "order-service", "app.kubernetes.io/instance", "orders"));
    }
    // The Service selects by a plain map, not matchLabels.
    assertThat(YAML.convertValue(only(render(t -> t), "Service").at("/spec/selector"), Map.class))
        .isEqualTo(Map.of("app.kubernetes.io/name", "order-service", "app.kubernetes.io/instance", "orders"));
  }

  @Test
  void namesCanBeOverriddenAndAReleaseNamedAfterTheChartIsNotRepeated() {
    assertThat(only(render(t -> t.set("fullnameOverride", "checkout")), "Deployment").at("/metadata/name").asText())
        .isEqualTo("checkout");
    var renamed = only(render(t -> t.set("nameOverride", "checkout")), "Deployment");
    assertThat(renamed.at("/metadata/name").asText()).isEqualTo("orders-checkout");
    assertThat(renamed.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("checkout");
    var sameAsChart = objects(renderYaml(CHART, "order-service", t -> t));
    assertThat(only(sameAsChart, "Deployment").at("/metadata/name").asText()).isEqualTo("order-service");
  }

  @Test
  void twoReleasesInOneNamespaceShareNoObjectName() {
    Set<String> first = names(everything(CHART, "orders"));
    Set<String> second = names(everything(CHART, "orders-canary"));
    assertThat(first).hasSameSizeAs(second).doesNotContainAnyElementsOf(second);
    // Nor does one release's selector pick the other's pods.
    assertThat(matchLabels(everything(CHART, "orders-canary")).values())
        .allSatisfy(labels -> assertThat(labels).containsEntry("app.kubernetes.io/instance", "orders-canary"));
  }

  @Test
  void anUpgradeToAnotherVersionChangesNoImmutableField(@TempDir Path dir) throws IOException {
    Path older = HelmChartRendering.chartCopy(Files.createDirectory(dir.resolve("older")), "1.1.0", "1.0.0");
    Path newer = HelmChartRendering.chartCopy(Files.createDirectory(dir.resolve("newer")), "1.2.0", "1.1.0");
    var before = everything(older, "orders");
    var after = everything(newer, "orders");

    assertThat(only(after, "Deployment").at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/shop/order-service:1.1.0");
    assertThat(only(after, "Deployment").at("/metadata/labels/helm.sh~1chart").asText())
        .isEqualTo("order-service-1.2.0");
    assertThat(names(after)).as("renamed objects are deleted and created").isEqualTo(names(before));
    assertThat(matchLabels(after)).as("every matchLabels selector").isEqualTo(matchLabels(before)).isNotEmpty();
    for (String kind : List.of("Deployment", "PodDisruptionBudget")) {
      assertThat(only(after, kind).at("/spec/selector")).as(kind + " spec.selector")
          .isEqualTo(only(before, kind).at("/spec/selector"));
    }
    assertThat(only(after, "Service").at("/spec/clusterIP")).isEqualTo(only(before, "Service").at("/spec/clusterIP"));
    assertThat(only(after, "Service").at("/spec/selector")).isEqualTo(only(before, "Service").at("/spec/selector"));
  }

  @Test
  void theImageTagDefaultsToTheAppVersionWhichIsARelease() throws IOException {
    var chart = YAML.readTree(SOURCE.resolve("Chart.yaml").toFile());
    String appVersion = chart.path("appVersion").asText();
    assertThat(appVersion).matches("\\d+\\.\\d+\\.\\d+").doesNotContain("SNAPSHOT");
    assertThat(chart.path("kubeVersion").asText()).as("the releases the chart is checked for").isEqualTo(">=1.30.0-0");
    assertThatThrownBy(() -> new Helm(SOURCE).template().withName("orders").call())
        .hasMessageContaining("chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.20");
    assertThat(only(render(t -> t), "Deployment").at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/shop/order-service:" + appVersion);
    assertThat(only(render(t -> t.set("image.tag", "1.0.1")), "Deployment")
        .at("/spec/template/spec/containers/0/image").asText()).endsWith(":1.0.1");
  }

  @Test
  void theHelmTestPodChecksReadinessAndOneApiCall() throws IOException, InterruptedException {
    assertThat(SOURCE.resolve("templates/tests/test-connection.yaml")).content().contains("helm.sh/hook: test");
    var test = only(render(t -> t), "Pod");
    assertThat(test.at("/metadata/annotations/test.helm.sh~1hook").asText()).isEqualTo("test");
    assertThat(test.at("/spec/restartPolicy").asText()).isEqualTo("Never");
    String command = String.join(" ", YAML.convertValue(test.at("/spec/containers/0/command"), String[].class));
    assertThat(command).contains("--fail", "http://orders-order-service:9000/q/health/ready",
        "'http://orders-order-service:80/api/products?limit=1'");
    String script = test.at("/spec/containers/0/command/2").asText();
    var shellcheck = new ProcessBuilder("shellcheck", "--shell=sh", "-").redirectErrorStream(true).start();
    try (var in = shellcheck.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String findings = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shellcheck.waitFor()).as(findings).isZero();
    // Not one of the service's pods: no Service, PDB or autoscaler counts it.
    assertThat(test.at("/metadata/labels").has("app.kubernetes.io/name")).isFalse();
  }

  @Test
  void theNotesSayHowToReachTheApiWhereMetricsAreAndWhichSecretIsNeeded() {
    var release = new Helm(CHART).install().withName("orders").withNamespace("shop").clientOnly().dryRun().call();
    assertThat(release.getOutput()).contains(
        "Secret \"orders-order-service-secrets\"", "kubectl -n shop port-forward svc/orders-order-service 8080:80",
        "/q/metrics", "helm test orders -n shop");
  }

  @Test
  void packagingIgnoresEditorAndVcsFiles() throws IOException {
    assertThat(Files.readAllLines(SOURCE.resolve(".helmignore"))).contains(".git/", "*.swp", ".idea/");
  }

  @Test
  void theChartReadmeTableListsEveryValueAndNoOther() throws IOException {
    Set<String> keys = new HashSet<>();
    leafKeys("", YAML.readTree(SOURCE.resolve("values.yaml").toFile()), keys);
    Set<String> documented = new HashSet<>();
    var row = Pattern.compile("(?m)^\\| ([A-Za-z0-9_.\\[\\]-]+) \\| ([a-z]+) \\|");
    var matcher = row.matcher(Files.readString(SOURCE.resolve("README.md")));
    while (matcher.find()) {
      documented.add(matcher.group(1));
    }
    assertThat(documented).as("keys in README.md's table").containsExactlyInAnyOrderElementsOf(keys);
  }

  private static void leafKeys(String prefix, JsonNode node, Set<String> keys) {
    if (node.isObject() && !node.isEmpty() && !prefix.endsWith("Labels") && !prefix.equals("extraConfig")) {
      node.properties().forEach(e -> leafKeys(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
          e.getValue(), keys));
    } else {
      keys.add(prefix);
    }
  }

  private static Set<String> names(List<JsonNode> objects) {
    Set<String> names = new HashSet<>();
    objects.forEach(o -> names.add(o.path("kind").asText() + "/" + o.at("/metadata/name").asText()));
    return names;
  }

  /** Every matchLabels in every object, by where it is. */
  private static Map<String, Map<String, String>> matchLabels(List<JsonNode> objects) {
    Map<String, Map<String, String>> found = new TreeMap<>();
    for (JsonNode object : objects) {
      collect(object.path("kind").asText(), object, found);
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static void collect(String path, JsonNode node, Map<String, Map<String, String>> found) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("matchLabels") && !path.contains("namespaceSelector")
            && !path.contains("ingress")) {
          found.put(path, YAML.convertValue(e.getValue(), Map.class));
        } else {
          collect(path + "." + e.getKey(), e.getValue(), found);
        }
      });
    } else if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(items::add);
      for (int i = 0; i < items.size(); i++) {
        collect(path + "[" + i + "]", items.get(i), found);
      }
    }
  }
}
