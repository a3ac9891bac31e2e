package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.ops.HelmChartRendering.all;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/** What the pods may do and who may reach them; the monitoring objects' wiring. */
class HelmChartSecurityTests {

  @Test
  void thePodsUseTheirOwnServiceAccountWithoutAToken() {
    var objects = render(t -> t);
    var account = only(objects, "ServiceAccount");
    assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    var pod = only(objects, "Deployment").at("/spec/template/spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(account.at("/metadata/name").asText());
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
  }

  @Test
  void everyPodMeetsPodSecurityRestricted() {
    var objects = render(t -> t);
    List<JsonNode> pods = new ArrayList<>();
    pods.add(only(objects, "Deployment").at("/spec/template/spec"));
    pods.add(only(objects, "Pod").path("spec"));
    pods.add(only(objects, "Job").at("/spec/template/spec"));
    for (JsonNode pod : pods) {
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
      assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
      assertThat(pod.path("hostNetwork").asBoolean()).isFalse();
      for (JsonNode container : pod.path("containers")) {
        var context = container.path("securityContext");
        assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(context.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(context.at("/capabilities/add").isMissingNode()).isTrue();
        assertThat(context.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(context.path("privileged").asBoolean()).isFalse();
        assertThat(container.at("/resources/limits/memory").isMissingNode()).isFalse();
      }
    }
  }

  @Test
  void theManagementPortIsOpenOnlyInsideTheClusterAndTheApiToWhateverFrontsIt(@TempDir Path dir) throws IOException {
    var objects = render(t -> t);
    var policy = only(objects, "NetworkPolicy");
    assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1instance").asText()).isEqualTo("orders");
    assertThat(policy.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");
    var api = policy.at("/spec/ingress/0");
    assertThat(api.at("/ports/0/port").asText()).isEqualTo("http");
    assertThat(api.has("from")).as("ingress controllers and load balancers differ per cluster: any source").isFalse();
    var management = policy.at("/spec/ingress/1");
    assertThat(management.at("/ports/0/port").asText()).isEqualTo("management");
    assertThat(management.path("from")).hasSize(2);
    assertThat(management.at("/from/0/namespaceSelector").toString()).as("any namespace, no outside source")
        .isEqualTo("{}");
    assertThat(management.at("/from/0").has("ipBlock")).isFalse();
    // The helm test Pod's labels are the ones the policy admits to the management port.
    var testLabels = only(objects, "Pod").at("/metadata/labels");
    management.at("/from/1/podSelector/matchLabels").properties()
        .forEach(e -> assertThat(testLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    // The ports the policy names are the container's.
    var ports = only(objects, "Deployment").at("/spec/template/spec/containers/0/ports");
    assertThat(ports.findValuesAsText("name")).containsExactly("http", "management");

    Path narrow = Files.writeString(dir.resolve("narrow.yaml"), """
        networkPolicy:
          apiFrom:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: traefik
          managementFrom:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: monitoring
        """);
    var narrowed = only(render(t -> t.withValuesFile(narrow)), "NetworkPolicy");
    assertThat(narrowed.at("/spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
        .asText()).isEqualTo("traefik");
    assertThat(narrowed.at("/spec/ingress/1/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
        .asText()).isEqualTo("monitoring");
    assertThat(render(t -> t.set("networkPolicy.enabled", "false")))
        .noneMatch(o -> o.path("kind").asText().equals("NetworkPolicy"));
  }

  @Test
  void tmpIsBoundedAndProbesWaitForAThrottledJvm() {
    var pod = only(render(t -> t), "Deployment").at("/spec/template/spec");
    assertThat(pod.at("/volumes/0/emptyDir/sizeLimit").asText()).isEqualTo("256Mi");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(pod.at("/containers/0").path(probe).path("timeoutSeconds").asInt()).as(probe).isEqualTo(5);
    }
  }

  @Test
  void theMemoryRequestIsTheLimitSoPodsAreNotTheFirstEvicted() {
    var resources = only(render(t -> t), "Deployment").at("/spec/template/spec/containers/0/resources");
    assertThat(resources.at("/requests/memory").asText()).isEqualTo(resources.at("/limits/memory").asText());
  }

  @Test
  void monitoringObjectsRenderOnlyWhereTheOperatorsApiIsServed() {
    var without = render(t -> t.set("serviceMonitor.enabled", "true").set("prometheusRule.enabled", "true"));
    assertThat(without).extracting(o -> o.path("kind").asText())
        .doesNotContain("ServiceMonitor", "PrometheusRule").contains("Deployment");

    var with = render(t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true")
        .set("prometheusRule.enabled", "true"));
    assertThat(all(with, "ServiceMonitor")).hasSize(1);
    assertThat(all(with, "PrometheusRule")).hasSize(1);
  }

  @Test
  void monitoringObjectsCarryTheLabelsPrometheusSelectsBy() {
    var objects = render(t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true")
        .set("serviceMonitor.labels.release", "kube-prometheus-stack").set("prometheusRule.enabled", "true")
        .set("prometheusRule.labels.release", "kube-prometheus-stack"));
    for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
      var labels = only(objects, kind).at("/metadata/labels");
      assertThat(labels.path("release").asText()).as(kind).isEqualTo("kube-prometheus-stack");
      assertThat(labels.path("app.kubernetes.io/instance").asText()).as(kind).isEqualTo("orders");
    }
  }
}
