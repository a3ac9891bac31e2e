package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shop.orders.testing.Promtool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.CHART;
import static shop.orders.ops.HelmChartRendering.EVENT;
import static shop.orders.ops.HelmChartRendering.KEDA_API;
import static shop.orders.ops.HelmChartRendering.all;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.strict;
import static shop.orders.ops.HelmChartRendering.withKeda;

/**
 * The optional KEDA ScaledObject (keda.enabled): it replaces the HorizontalPodAutoscaler with the same range and
 * behaviour plus a demand and scheduled triggers, is checked against KEDA's schema (tools/contract/validate-keda.mjs,
 * @kubernetes-models/keda; needs {@code npm ci} in tools/contract, which .ci/run does), and the chart refuses the
 * values it could not work with.
 */
class HelmChartKedaTests {
  static final Path TOOLS = Path.of("tools/contract");
  private static final String NAMESPACE = "shop";

  /** KEDA on with the demand trigger (the default) and one scheduled pre-scaling, in namespace "shop". */
  private static TemplateCommand kedaWithSchedule(TemplateCommand template) {
    return withKeda(template.withNamespace(NAMESPACE))
        .set("keda.cron.schedules[0].timezone", "Europe/Paris")
        .set("keda.cron.schedules[0].start", "30 17 27 11 *")
        .set("keda.cron.schedules[0].end", "0 22 27 11 *")
        .set("keda.cron.schedules[0].desiredReplicas", "4");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void kedaReplacesTheAutoscalerWithAScaledObjectOfTheSameRangeAndBehaviour() {
    var objects = render(HelmChartKedaTests::kedaWithSchedule);

    assertThat(all(objects, "HorizontalPodAutoscaler")).as("KEDA creates its own HPA").isEmpty();
    var scaled = only(objects, "ScaledObject");
    assertThat(scaled.path("apiVersion").asText()).isEqualTo(KEDA_API);
    assertThat(scaled.at("/metadata/name").asText()).isEqualTo("orders-order-service");
    var labels = scaled.at("/metadata/labels");
    assertThat(labels.path("app.kubernetes.io/instance").asText()).isEqualTo("orders");
    assertThat(labels.path("app.kubernetes.io/managed-by").asText()).isEqualTo("Helm");
    assertThat(labels.path("helm.sh/chart").asText()).matches("order-service-\\d+\\.\\d+\\.\\d+");

    var spec = scaled.path("spec");
    // Every field the chart writes, by name: KEDA's schema, like the API server, lets an unknown field through (and
    // the API server then drops it), so a misspelt one would silently do nothing.
    assertThat(fieldNames(spec)).containsExactly("scaleTargetRef", "pollingInterval", "minReplicaCount",
        "maxReplicaCount", "fallback", "advanced", "triggers");
    assertThat(fieldNames(spec.path("fallback"))).containsExactly("failureThreshold", "replicas");
    assertThat(fieldNames(spec.path("advanced"))).containsExactly("horizontalPodAutoscalerConfig");
    assertThat(fieldNames(spec.at("/advanced/horizontalPodAutoscalerConfig"))).containsExactly("behavior");
    assertThat(spec.at("/scaleTargetRef/apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(spec.at("/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
    assertThat(spec.at("/scaleTargetRef/name").asText())
        .isEqualTo(only(objects, "Deployment").at("/metadata/name").asText());
    assertThat(spec.path("pollingInterval").asInt()).isEqualTo(15);
    assertThat(spec.path("minReplicaCount").asInt()).isEqualTo(2);
    assertThat(spec.path("maxReplicaCount").asInt()).isEqualTo(4);

    // The behaviour the HPA has with KEDA off, unchanged.
    var hpaBehavior = only(render(t -> t), "HorizontalPodAutoscaler").at("/spec/behavior");
    assertThat(spec.at("/advanced/horizontalPodAutoscalerConfig/behavior")).isEqualTo(hpaBehavior);
    assertThat(hpaBehavior.at("/scaleUp/policies/1/value").asInt()).isEqualTo(4);

    assertThat(only(objects, "Deployment").at("/spec/replicas").isMissingNode()).as("KEDA owns replicas").isTrue();
  }

  @Test
  void theTriggersAreCpuThenOfferedOrdersThenOneCronPerSchedule() {
    var triggers = only(render(HelmChartKedaTests::kedaWithSchedule), "ScaledObject").at("/spec/triggers");
    assertThat(triggers.findValuesAsText("type")).containsExactly("cpu", "prometheus", "cron");

    var cpu = triggers.path(0);
    assertThat(fieldNames(cpu)).containsExactly("type", "metricType", "metadata");
    assertThat(cpu.path("metricType").asText()).isEqualTo("Utilization");
    assertThat(cpu.at("/metadata/value").isTextual()).as("KEDA's metadata values are strings").isTrue();
    assertThat(cpu.at("/metadata/value").asText()).isEqualTo("60");

    var demand = triggers.path(1);
    assertThat(fieldNames(demand)).containsExactly("type", "metricType", "metadata");
    assertThat(demand.path("metricType").asText()).as("the threshold is per pod").isEqualTo("AverageValue");
    assertThat(fieldNames(demand.path("metadata")))
        .containsExactlyInAnyOrder("serverAddress", "threshold", "query", "ignoreNullValues");
    assertThat(demand.at("/metadata/ignoreNullValues").asText()).as("no series is a failed read").isEqualTo("false");
    assertThat(demand.at("/metadata/serverAddress").asText()).isEqualTo("http://prometheus-operated.monitoring.svc:9090");
    assertThat(demand.at("/metadata/threshold").isTextual()).isTrue();
    assertThat(demand.at("/metadata/threshold").asText()).isEqualTo("150");
    assertThat(demand.at("/metadata/query").asText()).isEqualTo("sum(rate(http_server_requests_seconds_count{"
        + "namespace=\"shop\",job=\"orders-order-service\",method=\"POST\",uri=\"/api/orders\"}[1m]))"
        + " or 0 * sum(up{namespace=\"shop\",job=\"orders-order-service\"} == 1)");

    var cron = triggers.path(2);
    assertThat(fieldNames(cron)).containsExactly("type", "metadata");
    assertThat(fieldNames(cron.path("metadata")))
        .containsExactlyInAnyOrder("timezone", "start", "end", "desiredReplicas");
    cron.path("metadata").forEach(value -> assertThat(value.isTextual()).as(value.toString()).isTrue());
    assertThat(cron.at("/metadata/timezone").asText()).isEqualTo("Europe/Paris");
    assertThat(cron.at("/metadata/start").asText()).isEqualTo("30 17 27 11 *");
    assertThat(cron.at("/metadata/end").asText()).isEqualTo("0 22 27 11 *");
    assertThat(cron.at("/metadata/desiredReplicas").asText()).isEqualTo("4");
  }

  @Test
  void theDemandTriggerIsOptionalAndEveryScheduleIsATrigger() {
    var spec = only(render(t -> kedaWithSchedule(t).set("keda.prometheus.enabled", "false")
        .set("serviceMonitor.enabled", "false").set("keda.pollingInterval", "30")
        .set("keda.cron.schedules[1].timezone", "UTC").set("keda.cron.schedules[1].start", "0 6 * * 5")
        .set("keda.cron.schedules[1].end", "0 9 * * 5").set("keda.cron.schedules[1].desiredReplicas", "3")),
        "ScaledObject").path("spec");
    assertThat(spec.path("pollingInterval").asInt()).isEqualTo(30);
    assertThat(spec.has("fallback")).as("no fallback without the demand trigger: KEDA has none for CPU or cron")
        .isFalse();
    var triggers = spec.path("triggers");
    assertThat(triggers.findValuesAsText("type")).containsExactly("cpu", "cron", "cron");
    assertThat(triggers.at("/2/metadata/start").asText()).isEqualTo("0 6 * * 5");
    assertThat(triggers.at("/2/metadata/desiredReplicas").asText()).isEqualTo("3");

    var demand = only(render(t -> kedaWithSchedule(t).set("keda.prometheus.threshold", "200")
        .set("keda.prometheus.window", "2m")), "ScaledObject").at("/spec/triggers/1/metadata");
    assertThat(demand.path("threshold").asText()).as("a number given with --set").isEqualTo("200");
    assertThat(demand.path("query").asText()).contains("[2m])) or ");
  }

  @Test
  void whileTheDemandCannotBeReadKedaHoldsMaxReplicasOrTheCountGiven() {
    var fallback = only(render(HelmChartKedaTests::kedaWithSchedule), "ScaledObject").at("/spec/fallback");
    assertThat(fallback.path("failureThreshold").asInt()).isEqualTo(3);
    assertThat(fallback.path("replicas").asInt()).as("autoscaling.maxReplicas").isEqualTo(4);

    var given = only(render(t -> kedaWithSchedule(t).set("keda.fallback.replicas", "3")
        .set("keda.fallback.failureThreshold", "5")), "ScaledObject").at("/spec/fallback");
    assertThat(given.path("failureThreshold").asInt()).isEqualTo(5);
    assertThat(given.path("replicas").asInt()).isEqualTo(3);
    assertThat(only(render(t -> kedaWithSchedule(t).set("autoscaling.maxReplicas", "3")
        .set("keda.cron.schedules[0].desiredReplicas", "3")), "ScaledObject")
        .at("/spec/fallback/replicas").asInt()).as("follows maxReplicas").isEqualTo(3);
  }

  @Test
  void aFallbackOutsideTheAutoscalersRangeIsRefused() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("keda.fallback.replicas", "5")))
        .hasMessageContaining("keda.fallback.replicas 5 is outside autoscaling.minReplicas 2 .. autoscaling.maxReplicas 4");
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("keda.fallback.replicas", "1")))
        .hasMessageContaining("keda.fallback.replicas 1 is outside");
    // Without the demand trigger there is no fallback, and nothing to check.
    assertThat(render(t -> kedaWithSchedule(t).set("keda.prometheus.enabled", "false")
        .set("keda.fallback.replicas", "2"))).isNotEmpty();
  }

  /**
   * The demand query as Prometheus answers it (promtool): this release's offered orders alone; 0 while it is scraped
   * and has taken no order yet (the counter appears with a pod's first order); nothing at all when no target answers,
   * which KEDA, told not to ignore an empty answer, counts as a failed read, so the fallback applies instead of 0.
   */
  @Test
  void theDemandQueryReadsItsReleaseAloneAndNothingWhenItIsNotScraped(@TempDir Path dir) throws Exception {
    String query = only(render(HelmChartKedaTests::kedaWithSchedule), "ScaledObject")
        .at("/spec/triggers/1/metadata/query").asText();
    String orders = "http_server_requests_seconds_count{app=\"order-service\",namespace=\"%s\",job=\"%s\","
        + "pod=\"p\",method=\"POST\",uri=\"/api/orders\",status=\"%s\"}";
    Files.writeString(dir.resolve("demand.test.yml"), """
        rule_files: []
        evaluation_interval: 1m
        tests:
          - name: offered orders of the release, refusals included; other releases' are not counted
            interval: 1m
            input_series:
              - {series: 'up{namespace="shop",job="orders-order-service",instance="a"}', values: '1x10'}
              - {series: '%2$s', values: '0+600x10'}
              - {series: '%3$s', values: '0+300x10'}
              - {series: '%4$s', values: '0+6000x10'}
              - {series: '%5$s', values: '0+6000x10'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 5m
                exp_samples: [{labels: '{}', value: 15}]
          - name: scraped, no order yet
            interval: 1m
            input_series:
              - {series: 'up{namespace="shop",job="orders-order-service",instance="a"}', values: '1x10'}
              - {series: 'up{namespace="shop",job="orders-order-service",instance="b"}', values: '0x10'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 5m
                exp_samples: [{labels: '{}', value: 0}]
          - name: not scraped (another release is)
            interval: 1m
            input_series:
              - {series: 'up{namespace="staging",job="orders-order-service",instance="a"}', values: '1x10'}
              - {series: '%4$s', values: '0+6000x10'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 5m
                exp_samples: []
          - name: no target answers
            interval: 1m
            input_series:
              - {series: 'up{namespace="shop",job="orders-order-service",instance="a"}', values: '0x10'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 5m
                exp_samples: []
        """.formatted(query, orders.formatted("shop", "orders-order-service", "201"),
        orders.formatted("shop", "orders-order-service", "503"), orders.formatted("staging", "orders-order-service", "201"),
        orders.formatted("shop", "orders-canary-order-service", "201")));

    assertThat(Promtool.run(dir, "test", "rules", "demand.test.yml")).contains("SUCCESS");
  }

  @Test
  void theEventOverlayAppliesToTheScaledObject() {
    var objects = render(t -> kedaWithSchedule(t).withValuesFile(EVENT));
    var spec = only(objects, "ScaledObject").path("spec");
    assertThat(spec.path("minReplicaCount").asInt()).isEqualTo(4);
    assertThat(spec.path("maxReplicaCount").asInt()).isEqualTo(4);
    assertThat(spec.at("/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds")
        .asInt()).isEqualTo(900);
    assertThat(only(objects, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(3);
  }

  @Test
  void kedaIsOffByDefaultAndTheHpaScales() {
    var objects = render(t -> t);
    assertThat(all(objects, "ScaledObject")).isEmpty();
    assertThat(all(objects, "HorizontalPodAutoscaler")).hasSize(1);
    // Settings of a KEDA left off change nothing.
    assertThat(all(render(t -> t.set("keda.prometheus.enabled", "false").set("keda.pollingInterval", "60")),
        "ScaledObject")).isEmpty();
  }

  @Test
  void everyObjectWithKedaIsAValidKubernetesObject() {
    List<HasMetadata> objects = strict(HelmChartKedaTests::kedaWithSchedule);
    assertThat(objects).extracting(HasMetadata::getKind).contains("ScaledObject", "ServiceMonitor", "Deployment")
        .doesNotContain("HorizontalPodAutoscaler");
  }

  @Test
  void theRenderedScaledObjectPassesKedasSchema() throws Exception {
    var result = validateKeda(renderYaml(HelmChartKedaTests::kedaWithSchedule));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("ScaledObject/orders-order-service: valid");

    var withoutDemand = validateKeda(renderYaml(t -> kedaWithSchedule(t).set("keda.prometheus.enabled", "false")
        .withValuesFile(EVENT)));
    assertThat(withoutDemand.exit()).as(withoutDemand.output()).isZero();
  }

  @Test
  void kedasSchemaRefusesABrokenScaledObject() throws Exception {
    String rendered = renderYaml(HelmChartKedaTests::kedaWithSchedule);
    assertThat(rendered).contains("minReplicaCount: 2", "- type: cron");

    var notANumber = validateKeda(rendered.replace("minReplicaCount: 2", "minReplicaCount: two"));
    assertThat(notANumber.exit()).as(notANumber.output()).isEqualTo(1);
    assertThat(notANumber.output()).contains("not a valid ScaledObject", "/spec/minReplicaCount must be integer");

    var untyped = validateKeda(rendered.replace("- type: cron", "- typ: cron"));
    assertThat(untyped.exit()).as(untyped.output()).isEqualTo(1);
    assertThat(untyped.output()).contains("/spec/triggers/2 must have required property");

    var numberInMetadata = validateKeda(rendered.replace("desiredReplicas: \"4\"", "desiredReplicas: 4"));
    assertThat(numberInMetadata.exit()).as(numberInMetadata.output()).isEqualTo(1);
    assertThat(numberInMetadata.output()).contains("/spec/triggers/2/metadata/desiredReplicas must be string");

    var nothing = validateKeda(renderYaml(t -> t));
    assertThat(nothing.exit()).as("a render without a ScaledObject checks nothing").isEqualTo(1);
    assertThat(nothing.output()).contains("no ScaledObject found");
  }

  @Test
  void theCapacityGuardCountsTheScaledObjectsMaxReplicaCount() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("autoscaling.maxReplicas", "5")))
        .hasMessageContaining("capacity guard: 5 pods x database.pool.maxSize 20 = 100 connections,"
            + " over the database budget of 90")
        .hasMessageContaining("Lower autoscaling.maxReplicas (the ScaledObject's maxReplicaCount)");
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("rollout.maxSurge", "25%")))
        .hasMessageContaining("a rollout runs 4 pods + rollout.maxSurge 25% (1 more) = 5 pods")
        .hasMessageContaining("lower autoscaling.maxReplicas (the ScaledObject's maxReplicaCount)");
    // The HPA's wording is unchanged.
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.maxReplicas", "5")))
        .hasMessageContaining("Lower autoscaling.maxReplicas or database.pool.maxSize");
  }

  @Test
  void aScheduleAboveMaxReplicasIsRefusedNotSilentlyClamped() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("keda.cron.schedules[0].desiredReplicas", "6")))
        .hasMessageContaining("keda.cron.schedules[0].desiredReplicas 6 is above autoscaling.maxReplicas 4"
            + " (the ScaledObject's maxReplicaCount)")
        .hasMessageContaining("raise autoscaling.maxReplicas");
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("keda.cron.schedules[0].end", "30 17 27 11 *")))
        .hasMessageContaining("keda.cron.schedules[0]: start and end are both");
    // At maxReplicas exactly, it fits.
    assertThat(render(t -> kedaWithSchedule(t).set("keda.cron.schedules[0].desiredReplicas", "4"))).isNotEmpty();
  }

  @Test
  void kedaWithoutAutoscalingIsRefused() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("autoscaling.enabled", "false")))
        .hasMessageContaining("keda.enabled needs autoscaling.enabled")
        .hasMessageContaining("autoscaling.minReplicas and autoscaling.maxReplicas");
  }

  @Test
  void kedaWhereItsApiIsNotServedIsRefused() {
    assertThatThrownBy(() -> render(t -> t.set("keda.enabled", "true").set("keda.prometheus.enabled", "false")))
        .hasMessageContaining("the cluster does not serve keda.sh/v1alpha1")
        .hasMessageContaining("KEDA 2.x is needed");
  }

  @Test
  void theDemandTriggerWithoutTheServiceMonitorIsRefused() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("serviceMonitor.enabled", "false")))
        .hasMessageContaining("keda.prometheus.enabled")
        .hasMessageContaining("no ServiceMonitor is rendered");
    // Nor where the Prometheus operator's API is not served: the ServiceMonitor is left out there.
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("apiVersions[1]", "example.com/v1")))
        .hasMessageContaining("no ServiceMonitor is rendered");
  }

  @Test
  void aMinimumAboveTheMaximumIsRefusedInKedasWords() {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set("autoscaling.minReplicas", "5")))
        .hasMessageContaining("autoscaling.minReplicas 5 is larger than autoscaling.maxReplicas 4:"
            + " KEDA refuses that ScaledObject");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      keda.pollingIntervall              | 30            | at '/keda': additional properties 'pollingIntervall' not allowed
      keda.pollingInterval               | 0             | at '/keda/pollingInterval'
      keda.prometheus.threshold          | 0             | at '/keda/prometheus/threshold'
      keda.prometheus.threshold          | many          | at '/keda/prometheus/threshold'
      keda.prometheus.window             | 1 minute      | at '/keda/prometheus/window'
      keda.prometheus.serverAddress      | prometheus    | at '/keda/prometheus/serverAddress'
      keda.cron.schedules[0].start       | 30 17         | at '/keda/cron/schedules/0/start'
      keda.cron.schedules[0].desiredReplicas | 0         | at '/keda/cron/schedules/0/desiredReplicas'
      keda.cron.schedules[0].replicas    | 3             | at '/keda/cron/schedules/0': additional properties 'replicas' not allowed
      keda.fallback.replicas             | 0             | at '/keda/fallback/replicas'
      keda.fallback.failureThreshold     | 0             | at '/keda/fallback/failureThreshold'
      keda.fallback.pods                 | 3             | at '/keda/fallback': additional properties 'pods' not allowed
      """)
  void malformedKedaValuesAreRefusedBySchema(String key, String value, String message) {
    assertThatThrownBy(() -> render(t -> kedaWithSchedule(t).set(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(message);
  }

  @Test
  void aScheduleNeedsEveryField() {
    assertThatThrownBy(() -> render(t -> withKeda(t).set("keda.cron.schedules[0].timezone", "UTC")
        .set("keda.cron.schedules[0].start", "0 6 * * 5").set("keda.cron.schedules[0].desiredReplicas", "3")))
        .hasMessageContaining("at '/keda/cron/schedules/0': missing property 'end'");
  }

  @Test
  void theNotesNameTheScaledObject() {
    var release = new Helm(CHART).install().withName("orders").withNamespace(NAMESPACE).clientOnly().dryRun()
        .set("apiVersions[0]", KEDA_API).set("keda.enabled", "true").set("keda.prometheus.enabled", "false")
        .call();
    assertThat(release.getOutput()).contains("KEDA's ScaledObject orders-order-service",
        "kubectl -n shop get scaledobject orders-order-service", "renders no HorizontalPodAutoscaler");
  }

  private record Validation(int exit, String output) {
  }

  /** tools/contract/validate-keda.mjs on manifests given on its standard input. */
  private static Validation validateKeda(String manifests) throws IOException, InterruptedException {
    assertThat(TOOLS.resolve("node_modules/@kubernetes-models/keda"))
        .as("@kubernetes-models/keda is not installed: run `npm ci --prefix tools/contract` (.ci/run does)").exists();
    var process = new ProcessBuilder("node", "validate-keda.mjs").directory(TOOLS.toFile())
        .redirectErrorStream(true).start();
    var output = CompletableFuture.supplyAsync(() -> {
      try (var in = process.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try (var in = process.getOutputStream()) {
      in.write(manifests.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("validate-keda.mjs finished").isTrue();
    return new Validation(process.exitValue(), output.join());
  }
}
