package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import shop.orders.testing.StrictKubernetes;
import shop.orders.tools.autoscaling.RenderedChart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders the chart users install (helm/order-service) with the real Helm engine, for the HelmChart*Tests.
 * helm-java's engine reports Kubernetes v1.20 as the cluster's version and takes no --kube-version, so the chart's
 * kubeVersion (>= 1.30) would refuse every render: templates are rendered from a copy without that one line.
 * HelmChartConventionsTests shows the real chart refusing v1.20. Its template also returns the manifest without the
 * hooks (helm template prints both), so the copy names the hook annotations test.helm.sh/... (the helm test Pod's,
 * the migration Job's): they are then rendered and checked like every other object. And its template asks the cluster in lookup, where helm
 * template does not: the copy's lookups find nothing, as helm template's (RenderedChart.withoutCluster).
 */
final class HelmChartRendering {
  /** The chart as committed: its files, its lint, its kubeVersion. */
  static final Path SOURCE = Path.of("helm/order-service");
  /** The chart to render: a copy of SOURCE without kubeVersion. */
  static final Path CHART = copyWithoutKubeVersion();
  static final Path EVENT = SOURCE.resolve("values-event.yaml");
  static final String RELEASE = "orders";
  static final Set<String> CUSTOM_KINDS = Set.of("ServiceMonitor", "PrometheusRule", "ScaledObject", "HTTPRoute");
  static final String MONITORING_API = "monitoring.coreos.com/v1";
  static final String KEDA_API = "keda.sh/v1alpha1";
  /** The hook annotations' prefix in the rendered copy (helm.sh/hook in the chart). */
  static final String HOOK = "test.helm.sh/hook";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private HelmChartRendering() {
  }

  /** The manifests of release "orders", as Helm prints them. */
  static String renderYaml(UnaryOperator<TemplateCommand> options) {
    return renderYaml(CHART, RELEASE, options);
  }

  static String renderYaml(Path chart, String release, UnaryOperator<TemplateCommand> options) {
    return options.apply(new Helm(chart).template().withName(release)).call();
  }

  static List<JsonNode> render(UnaryOperator<TemplateCommand> options) {
    return objects(renderYaml(options));
  }

  static List<JsonNode> objects(String manifests) {
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(manifests)) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(o -> {
        if (o != null && o.has("kind")) {
          objects.add(o);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  /** Every rendered object read strictly against the Kubernetes API models (the operator's kinds by name only). */
  static List<HasMetadata> strict(UnaryOperator<TemplateCommand> options) {
    return StrictKubernetes.parse(renderYaml(options), CUSTOM_KINDS);
  }

  /** With the Prometheus operator's API present, as on a cluster that serves it. */
  static TemplateCommand withMonitoringApi(TemplateCommand template) {
    return template.set("apiVersions[0]", MONITORING_API);
  }

  /**
   * KEDA on, as on a cluster that serves its API and the Prometheus operator's (the demand trigger reads the series
   * the ServiceMonitor has scraped).
   */
  static TemplateCommand withKeda(TemplateCommand template) {
    return template.set("apiVersions[0]", KEDA_API).set("apiVersions[1]", MONITORING_API)
        .set("serviceMonitor.enabled", "true").set("keda.enabled", "true");
  }

  static JsonNode only(List<JsonNode> objects, String kind) {
    var found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }

  static List<JsonNode> all(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  private static Path copyWithoutKubeVersion() {
    try {
      Path dir = Files.createTempDirectory("order-service-chart");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> RenderedChart.delete(dir)));
      return chartCopy(dir, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A renderable copy of the chart (without kubeVersion); with a version and appVersion when given, as a later
   * release of the chart would be.
   */
  static Path chartCopy(Path into, String version, String appVersion) {
    try {
      RenderedChart.copyInto(SOURCE, into);
      try (var templates = Files.walk(into.resolve("templates"))) {
        for (Path template : templates.filter(Files::isRegularFile).toList()) {
          String text = Files.readString(template);
          if (text.contains("helm.sh/hook")) {
            Files.writeString(template, text.replace("helm.sh/hook", HOOK));
          }
        }
      }
      if (version != null) {
        Path chartYaml = into.resolve("Chart.yaml");
        Files.writeString(chartYaml, Files.readString(chartYaml)
            .replaceFirst("(?m)^version: .*$", "version: " + version)
            .replaceFirst("(?m)^appVersion: .*$", "appVersion: \"" + appVersion + "\""));
      }
      return into;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
