package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.ops.HelmChartRendering.HOOK;
import static shop.orders.ops.HelmChartRendering.RELEASE;
import static shop.orders.ops.HelmChartRendering.SOURCE;
import static shop.orders.ops.HelmChartRendering.all;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.strict;

/**
 * The database migrations, once per release, in a Helm hook Job (pre-install, pre-upgrade) running the release's
 * image in Quarkus' init-and-exit mode. A pre-install hook runs before the release's objects exist, so the Job
 * refers to none of them. The rendered copy names the hook annotations test.helm.sh/... (HelmChartRendering).
 */
class HelmChartMigrationsTests {

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> {
      assertThat(e.has("valueFrom")).as(e.path("name").asText() + ": a value, not a reference").isFalse();
      assertThat(env.put(e.path("name").asText(), e.path("value").asText())).as("set once").isNull();
    });
    return env;
  }

  @Test
  void aHookJobMigratesAndExitsBeforeEachInstallAndUpgrade() throws IOException {
    assertThat(SOURCE.resolve("templates/migrations-job.yaml")).content()
        .contains("helm.sh/hook: pre-install,pre-upgrade")
        .contains("helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded");

    var job = only(render(t -> t), "Job");
    assertThat(job.at("/metadata/name").asText()).isEqualTo("orders-order-service-migrate");
    var annotations = job.at("/metadata/annotations");
    assertThat(annotations.path(HOOK).asText()).isEqualTo("pre-install,pre-upgrade");
    assertThat(annotations.path(HOOK + "-weight").asText()).matches("-?\\d+");
    assertThat(annotations.path(HOOK + "-delete-policy").asText()).isEqualTo("before-hook-creation,hook-succeeded");
    assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(3);
    assertThat(job.at("/spec/activeDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(job.at("/spec/ttlSecondsAfterFinished").isInt()).isTrue();

    var pod = job.at("/spec/template/spec");
    assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
    var container = pod.at("/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("registry.example.com/shop/order-service:1.0.0");
    var env = env(container);
    assertThat(env).containsEntry("QUARKUS_INIT_AND_EXIT", "true")
        .containsEntry("QUARKUS_FLYWAY_MIGRATE_AT_START", "true")
        .containsEntry("DB_URL", "jdbc:postgresql://postgres:5432/orders");
    // Its pool: a connection or two from the reserve, none opened up front.
    assertThat(env).containsEntry("QUARKUS_DATASOURCE_JDBC_MIN_SIZE", "0")
        .containsEntry("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "2");
    assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo("orders-order-service-secrets");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("250m");
    assertThat(container.has("readinessProbe")).isFalse();
  }

  @Test
  void theJobReferencesNoObjectOfTheReleaseAndCarriesTheConfigMapsSettings() {
    var objects = render(t -> t.set("extraConfig.QUARKUS_LOG_LEVEL", "DEBUG"));
    var job = only(objects, "Job");
    String configMap = only(objects, "ConfigMap").at("/metadata/name").asText();
    assertThat(job.toString()).doesNotContain(configMap).doesNotContain("configMapRef").doesNotContain("configMap\"");

    var env = env(job.at("/spec/template/spec/containers/0"));
    only(objects, "ConfigMap").path("data").properties().forEach(setting -> {
      if (!setting.getKey().startsWith("QUARKUS_DATASOURCE_JDBC_M")) {
        assertThat(env).as(setting.getKey()).containsEntry(setting.getKey(), setting.getValue().asText());
      }
    });
    assertThat(env).containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
    // The pods' ConfigMap neither exits nor skips the migration at start.
    assertThat(only(objects, "ConfigMap").path("data").has("QUARKUS_INIT_AND_EXIT")).isFalse();
    assertThat(only(objects, "ConfigMap").path("data").has("QUARKUS_FLYWAY_MIGRATE_AT_START")).isFalse();
  }

  @Test
  void theJobIsAValidKubernetesObjectWithTheDeploymentsSecurity() {
    var job = strict(t -> t.set("imagePullSecrets[0]", "registry")).stream().filter(Job.class::isInstance)
        .map(Job.class::cast).findFirst().orElseThrow();
    assertThat(job.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
        .containsExactly("registry");

    var objects = render(t -> t);
    var pod = only(objects, "Job").at("/spec/template/spec");
    var deployment = only(objects, "Deployment").at("/spec/template/spec");
    assertThat(pod.path("securityContext")).isEqualTo(deployment.path("securityContext"));
    assertThat(pod.at("/containers/0/securityContext")).isEqualTo(deployment.at("/containers/0/securityContext"));
    assertThat(pod.at("/containers/0/volumeMounts")).isEqualTo(deployment.at("/containers/0/volumeMounts"));
    assertThat(pod.path("volumes")).isEqualTo(deployment.path("volumes"));
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
  }

  @Test
  void noServicePolicyOrBudgetSelectsTheMigrationPod() {
    var objects = render(t -> t);
    var labels = only(objects, "Job").at("/spec/template/metadata/labels");
    assertThat(labels.path("app.kubernetes.io/instance").asText()).isEqualTo(RELEASE);
    assertThat(labels.path("app.kubernetes.io/component").asText()).isEqualTo("migrations");
    for (JsonNode selector : new JsonNode[] {only(objects, "Service").at("/spec/selector"),
        only(objects, "PodDisruptionBudget").at("/spec/selector/matchLabels"),
        only(objects, "NetworkPolicy").at("/spec/podSelector/matchLabels"),
        only(objects, "Deployment").at("/spec/selector/matchLabels")}) {
      assertThat(selector.properties()).isNotEmpty()
          .anySatisfy(e -> assertThat(labels.path(e.getKey()).asText()).isNotEqualTo(e.getValue().asText()));
    }
  }

  @Test
  void aFirstInstallMigratesUnderTheDefaultServiceAccountAndLaterOnesUnderTheCharts(@TempDir Path dir)
      throws IOException {
    // helm template and a first install: the chart's ServiceAccount is not there yet.
    var job = only(render(t -> t), "Job");
    assertThat(job.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("default");
    // One the operator created beforehand is always used.
    assertThat(only(render(t -> t.set("serviceAccount.create", "false").set("serviceAccount.name", "orders-sa")),
        "Job").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("orders-sa");

    // Where lookup finds the chart's ServiceAccount (an upgrade), it is the Job's.
    Path chart = HelmChartRendering.chartCopy(dir, null, null);
    Files.writeString(chart.resolve("templates/service-account-under-test.yaml"), """
        {{- range $name, $live := dict "found" (dict "metadata" (dict "name" "orders-order-service")) "none" (dict) }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: account-{{ $name }}
        data:
          name: {{ include "order-service.migrationServiceAccountName" (dict "context" $ "live" $live) | quote }}
        {{- end }}
        """);
    var accounts = all(objects(renderYaml(chart, RELEASE, t -> t)), "ConfigMap");
    Map<String, String> names = new HashMap<>();
    accounts.forEach(c -> names.put(c.at("/metadata/name").asText(), c.at("/data/name").asText()));
    assertThat(names).containsEntry("account-found", "orders-order-service").containsEntry("account-none", "default");
  }

  @Test
  void disabledTheJobIsNotRenderedAndThePodsStillMigrateAtStart() {
    var objects = strict(t -> t.set("migrations.job.enabled", "false"));
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Job").contains("Deployment");
    assertThat(render(t -> t.set("migrations.job.enabled", "false"))).noneMatch(o -> "Job".equals(o.path("kind").asText()));
  }

  @Test
  void theJobsSettingsComeFromTheValues() {
    var job = only(render(t -> t.set("migrations.job.backoffLimit", "1")
        .set("migrations.job.activeDeadlineSeconds", "1200").set("migrations.job.ttlSecondsAfterFinished", "600")
        .set("migrations.job.resources.limits.memory", "768Mi")
        .set("migrations.job.resources.requests.memory", "768Mi")), "Job");
    assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/activeDeadlineSeconds").asInt()).isEqualTo(1200);
    assertThat(job.at("/spec/ttlSecondsAfterFinished").asInt()).isEqualTo(600);
    assertThat(job.at("/spec/template/spec/containers/0/resources/limits/memory").asText()).isEqualTo("768Mi");
  }
}
