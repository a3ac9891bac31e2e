package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.orders.testing.StrictKubernetes;
import shop.orders.tools.autoscaling.RenderedChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.ops.HelmChartRendering.CUSTOM_KINDS;
import static shop.orders.ops.HelmChartRendering.RELEASE;
import static shop.orders.ops.HelmChartRendering.all;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.withKeda;

/**
 * What an upgrade does to running pods. With an autoscaler, the Deployment's replicas are the live Deployment's
 * (Helm's lookup): an upgrade that turns autoscaling on must not patch the field away (Kubernetes would default it
 * to 1), and no upgrade may reset what the autoscaler chose. helm template has no cluster, so lookup finds nothing
 * here: the live Deployment is fabricated in a copy of the chart and passed to the same named template.
 */
class HelmChartUpgradeTests {
  /** Renders order-service.replicas for each fabricated live Deployment, one ConfigMap per case. */
  private static final String REPLICAS_UNDER_TEST = """
      {{- $cases := dict "live-7" (dict "spec" (dict "replicas" 7)) "live-7-from-json" (fromJson "{\\"spec\\": {\\"replicas\\": 7}}") "live-0" (dict "spec" (dict "replicas" 0)) "none" (dict) }}
      {{- range $name, $live := $cases }}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: replicas-{{ $name }}
      data:
        fragment: {{ include "order-service.replicas" (dict "context" $ "live" $live) | quote }}
      {{- end }}
      """;
  private static final String LOOKUP = "lookup \"apps/v1\" \"Deployment\" .Release.Namespace (include \"order-service.fullname\" .)";

  private static JsonNode fragments(Path chart, UnaryOperator<TemplateCommand> options) {
    var objects = objects(renderYaml(chart, RELEASE, options));
    var result = new ObjectNode(JsonNodeFactory.instance);
    all(objects, "ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().startsWith("replicas-"))
        .forEach(c -> result.put(c.at("/metadata/name").asText().substring("replicas-".length()),
            c.at("/data/fragment").asText()));
    return result;
  }

  private static Path chartWithReplicasUnderTest(Path dir) throws IOException {
    Path chart = HelmChartRendering.chartCopy(dir, null, null);
    Files.writeString(chart.resolve("templates/replicas-under-test.yaml"), REPLICAS_UNDER_TEST);
    return chart;
  }

  @Test
  void withAnAutoscalerTheLiveCountIsKeptAndNothingIsWrittenWhenThereIsNone(@TempDir Path dir) throws IOException {
    Path chart = chartWithReplicasUnderTest(dir);

    var hpa = fragments(chart, t -> t);
    assertThat(hpa.path("live-7").asText()).isEqualTo("replicas: 7");
    assertThat(hpa.path("live-7-from-json").asText()).isEqualTo("replicas: 7");
    assertThat(hpa.path("live-0").asText()).as("a Deployment scaled to 0 by hand stays so").isEqualTo("replicas: 0");
    assertThat(hpa.path("none").asText()).as("install, helm template: the autoscaler sets the count").isEmpty();

    var keda = fragments(chart, t -> withKeda(t));
    assertThat(keda.path("live-7").asText()).isEqualTo("replicas: 7");
    assertThat(keda.path("none").asText()).isEmpty();
  }

  @Test
  void withoutAnAutoscalerReplicaCountIsWrittenWhateverTheLiveCount(@TempDir Path dir) throws IOException {
    var fixed = fragments(chartWithReplicasUnderTest(dir),
        t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3"));
    assertThat(fixed.path("live-7").asText()).isEqualTo("replicas: 3");
    assertThat(fixed.path("live-0").asText()).isEqualTo("replicas: 3");
    assertThat(fixed.path("none").asText()).isEqualTo("replicas: 3");
  }

  /** The Deployment as rendered where lookup finds a Deployment of 7 pods: its template asks the named template. */
  @Test
  void theDeploymentWritesBackTheCountItsLookupFinds(@TempDir Path dir) throws IOException {
    Path chart = HelmChartRendering.chartCopy(dir, null, null);
    Path template = chart.resolve("templates/deployment.yaml");
    String deployment = Files.readString(template);
    assertThat(HelmChartRendering.SOURCE.resolve("templates/deployment.yaml")).content().contains(LOOKUP);
    String copied = RenderedChart.withoutCluster(LOOKUP);
    assertThat(deployment).contains(copied);
    Files.writeString(template, deployment.replace(copied, "dict \"spec\" (dict \"replicas\" 7)"));

    var live = StrictKubernetes.parse(renderYaml(chart, RELEASE, t -> t), CUSTOM_KINDS).stream()
        .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
    assertThat(live.getSpec().getReplicas()).isEqualTo(7);
    var fixed = only(objects(renderYaml(chart, RELEASE, t -> t.set("autoscaling.enabled", "false")
        .set("replicaCount", "3"))), "Deployment");
    assertThat(fixed.at("/spec/replicas").asInt()).isEqualTo(3);
  }

  @Test
  void withoutAClusterTheAutoscaledDeploymentHasNoReplicas() {
    assertThat(only(render(t -> t), "Deployment").at("/spec/replicas").isMissingNode()).isTrue();
    assertThat(only(render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3")), "Deployment")
        .at("/spec/replicas").asInt()).isEqualTo(3);
  }
}
