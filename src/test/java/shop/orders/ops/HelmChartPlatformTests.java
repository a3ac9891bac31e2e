package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.all;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.strict;

/**
 * What a cluster unlike ours needs from the chart: where the pods run, who they run as, how the API is reached, and
 * where their credentials and files come from, each through values the strict schema accepts.
 */
class HelmChartPlatformTests {
  private static final String GATEWAY_API = "gateway.networking.k8s.io/v1";

  @Test
  void podsSpreadAcrossZonesAndNodesAndTakeThePlatformsPlacement(@TempDir Path dir) throws IOException {
    var pod = only(render(t -> t), "Deployment").at("/spec/template/spec");
    var spread = pod.path("topologySpreadConstraints");
    assertThat(spread.findValuesAsText("topologyKey"))
        .containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    spread.forEach(c -> assertThat(c.at("/labelSelector/matchLabels/app.kubernetes.io~1instance").asText())
        .isEqualTo("orders"));

    Path placed = Files.writeString(dir.resolve("placed.yaml"), """
        priorityClassName: shop-critical
        nodeSelector:
          node.shop/pool: api
        tolerations:
          - key: dedicated
            operator: Equal
            value: api
            effect: NoSchedule
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchExpressions:
                    - key: kubernetes.io/arch
                      operator: In
                      values: [amd64]
        podLabels:
          team: checkout
        topologySpread:
          zone: DoNotSchedule
          node: ""
        """);
    var objects = render(t -> t.withValuesFile(placed));
    var deployment = only(objects, "Deployment");
    pod = deployment.at("/spec/template/spec");
    assertThat(pod.path("priorityClassName").asText()).isEqualTo("shop-critical");
    assertThat(pod.at("/nodeSelector/node.shop~1pool").asText()).isEqualTo("api");
    assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(pod.at("/affinity/nodeAffinity").isObject()).isTrue();
    assertThat(pod.path("topologySpreadConstraints")).hasSize(1);
    assertThat(pod.at("/topologySpreadConstraints/0/whenUnsatisfiable").asText()).isEqualTo("DoNotSchedule");
    assertThat(deployment.at("/spec/template/metadata/labels/team").asText()).isEqualTo("checkout");
    assertThat(deployment.at("/spec/selector/matchLabels").has("team")).as("never in the selector").isFalse();
    var migration = only(objects, "Job").at("/spec/template/spec");
    assertThat(migration.at("/nodeSelector/node.shop~1pool").asText()).as("the migration runs where it may")
        .isEqualTo("api");
    assertThat(migration.at("/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(strict(t -> t.withValuesFile(placed))).isNotEmpty();

    Path own = Files.writeString(dir.resolve("own.yaml"), """
        topologySpread:
          constraints:
            - maxSkew: 2
              topologyKey: topology.kubernetes.io/region
              whenUnsatisfiable: ScheduleAnyway
        """);
    var constraints = only(render(t -> t.withValuesFile(own)), "Deployment")
        .at("/spec/template/spec/topologySpreadConstraints");
    assertThat(constraints).hasSize(1);
    assertThat(constraints.at("/0/labelSelector/matchLabels/app.kubernetes.io~1name").asText())
        .as("the pods' selector added").isEqualTo("order-service");
  }

  @Test
  void theUserIsTheImagesOrThePlatformsToChoose(@TempDir Path dir) throws IOException {
    var defaults = only(render(t -> t), "Deployment").at("/spec/template/spec/securityContext");
    assertThat(defaults.path("runAsUser").asInt()).isEqualTo(185);

    var nativeImage = only(render(t -> t.set("podSecurity.runAsUser", "1001").set("podSecurity.runAsGroup", "1001")
        .set("podSecurity.fsGroup", "1001")), "Deployment").at("/spec/template/spec/securityContext");
    assertThat(nativeImage.path("runAsUser").asInt()).isEqualTo(1001);

    Path openShift = Files.writeString(dir.resolve("openshift.yaml"), """
        podSecurity:
          runAsUser: null
          runAsGroup: null
          fsGroup: null
        """);
    for (JsonNode pod : List.of(only(render(t -> t.withValuesFile(openShift)), "Deployment"),
        only(render(t -> t.withValuesFile(openShift)), "Job"))) {
      var context = pod.at("/spec/template/spec/securityContext");
      assertThat(context.has("runAsUser") || context.has("runAsGroup") || context.has("fsGroup"))
          .as("the platform assigns the ids").isFalse();
      assertThat(context.path("runAsNonRoot").asBoolean()).isTrue();
    }
  }

  @Test
  void anImageIsPulledByDigestWhenOneIsGivenAndTheVersionLabelSaysWhatRuns() {
    String digest = "sha256:" + "ab".repeat(32);
    var byDigest = only(render(t -> t.set("image.tag", "1.0.1").set("image.digest", digest)), "Deployment");
    assertThat(byDigest.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/shop/order-service:1.0.1@" + digest);
    assertThat(byDigest.at("/metadata/labels/app.kubernetes.io~1version").asText()).isEqualTo("1.0.1");

    var tagIsDigest = only(render(t -> t.set("image.tag", digest)), "Deployment");
    assertThat(tagIsDigest.at("/spec/template/spec/containers/0/image").asText())
        .as("never repository:sha256:...").isEqualTo("registry.example.com/shop/order-service@" + digest);
    assertThat(tagIsDigest.at("/metadata/labels/app.kubernetes.io~1version").asText()).isEqualTo("1.0.0");

    var odd = only(render(t -> t.set("image.tag", "1.0.1+build.7")), "Deployment");
    assertThat(odd.at("/metadata/labels/app.kubernetes.io~1version").asText()).isEqualTo("1.0.1_build.7");
    assertThatThrownBy(() -> render(t -> t.set("image.digest", "sha256:short"))).hasMessageContaining("digest");
  }

  @Test
  void credentialsComeFromAnySecretsKeysAndFilesCanBeMounted(@TempDir Path dir) throws IOException {
    Path cnpg = Files.writeString(dir.resolve("secrets.yaml"), """
        database:
          credentialsSecret: orders-service-keys
        secretEnv:
          DB_USER: {name: orders-db-app, key: username}
          DB_PASSWORD: {name: orders-db-app, key: password}
        extraEnv:
          - name: SMALLRYE_JWT_VERIFY_KEY_LOCATION
            value: /etc/order-service/jwt/public.pem
        extraVolumes:
          - name: jwt
            secret:
              secretName: storefront-jwt-public-key
        extraVolumeMounts:
          - name: jwt
            mountPath: /etc/order-service/jwt
            readOnly: true
        """);
    var objects = render(t -> t.withValuesFile(cnpg));
    for (JsonNode workload : List.of(only(objects, "Deployment"), only(objects, "Job"))) {
      var container = workload.at("/spec/template/spec/containers/0");
      assertThat(container.path("envFrom").findValuesAsText("name")).contains("orders-service-keys");
      var env = container.path("env");
      assertThat(secretRef(env, "DB_USER")).isEqualTo("orders-db-app/username");
      assertThat(secretRef(env, "DB_PASSWORD")).isEqualTo("orders-db-app/password");
      assertThat(names(env)).as("each name once: a second would hide the first")
          .doesNotHaveDuplicates().contains("SMALLRYE_JWT_VERIFY_KEY_LOCATION");
      assertThat(container.path("volumeMounts").findValuesAsText("mountPath")).contains("/etc/order-service/jwt");
      assertThat(workload.at("/spec/template/spec/volumes").findValuesAsText("secretName"))
          .contains("storefront-jwt-public-key");
    }
    assertThat(strict(t -> t.withValuesFile(cnpg))).isNotEmpty();

    // the migration Job's inline configuration gives way to a variable taken from a Secret
    var job = only(render(t -> t.set("secretEnv.DB_URL.name", "orders-db-app").set("secretEnv.DB_URL.key", "jdbc-uri")),
        "Job").at("/spec/template/spec/containers/0/env");
    assertThat(names(job)).doesNotHaveDuplicates().contains("DB_URL");
    assertThat(secretRef(job, "DB_URL")).isEqualTo("orders-db-app/jdbc-uri");

    assertThatThrownBy(() -> render(t -> t.set("secretEnv.DB_USER.name", "orders-db-app")))
        .hasMessageContaining("secretEnv");
  }

  @Test
  void twoReleasesReadTwoSecrets() {
    var first = only(HelmChartRendering.objects(HelmChartRendering.renderYaml(HelmChartRendering.CHART, "staging",
        t -> t)), "Deployment");
    var second = only(render(t -> t), "Deployment");
    assertThat(first.at("/spec/template/spec/containers/0/envFrom/1/secretRef/name").asText())
        .isEqualTo("staging-order-service-secrets")
        .isNotEqualTo(second.at("/spec/template/spec/containers/0/envFrom/1/secretRef/name").asText());
  }

  @Test
  void theApiIsRoutedByIngressOrGatewayAndTheManagementPortNeverLeavesTheCluster(@TempDir Path dir)
      throws IOException {
    Path ingress = Files.writeString(dir.resolve("ingress.yaml"), """
        ingress:
          enabled: true
          className: nginx
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt
          hosts: [api.shop.example.com]
          tls:
            - secretName: order-service-api-tls
              hosts: [api.shop.example.com]
        """);
    var routed = only(render(t -> t.withValuesFile(ingress)), "Ingress");
    assertThat(routed.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
    assertThat(routed.at("/spec/tls/0/secretName").asText()).isEqualTo("order-service-api-tls");
    var paths = routed.at("/spec/rules/0/http/paths");
    assertThat(paths).hasSize(1);
    assertThat(paths.at("/0/path").asText()).isEqualTo("/api");
    assertThat(paths.at("/0/backend/service/port/name").asText()).isEqualTo("http");
    assertThat(strict(t -> t.withValuesFile(ingress))).isNotEmpty();

    Path gateway = Files.writeString(dir.resolve("gateway.yaml"), """
        apiVersions: [gateway.networking.k8s.io/v1]
        httpRoute:
          enabled: true
          parentRefs:
            - name: shop
              namespace: gateway-system
              sectionName: https
        """);
    var route = only(render(t -> t.withValuesFile(gateway)), "HTTPRoute");
    assertThat(route.path("apiVersion").asText()).isEqualTo(GATEWAY_API);
    assertThat(route.at("/spec/parentRefs/0/name").asText()).isEqualTo("shop");
    assertThat(route.at("/spec/rules/0/matches/0/path/value").asText()).isEqualTo("/api");
    assertThat(route.at("/spec/rules/0/backendRefs/0/name").asText()).isEqualTo("orders-order-service");
    assertThat(route.at("/spec/rules/0/backendRefs/0/port").asInt()).isEqualTo(80);
    assertThatThrownBy(() -> render(t -> t.set("httpRoute.enabled", "true")))
        .hasMessageContaining("httpRoute.parentRefs names no Gateway");
    assertThatThrownBy(() -> render(t -> t.set("httpRoute.enabled", "true").set("httpRoute.parentRefs[0].name", "shop")))
        .hasMessageContaining("does not serve gateway.networking.k8s.io/v1");

    var exposed = render(t -> t.set("service.type", "LoadBalancer").set("service.port", "8443")
        .set("service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-type", "external"));
    var services = all(exposed, "Service");
    assertThat(services).hasSize(2);
    var api = services.stream().filter(s -> s.at("/metadata/name").asText().equals("orders-order-service"))
        .findFirst().orElseThrow();
    assertThat(api.at("/spec/type").asText()).isEqualTo("LoadBalancer");
    assertThat(api.at("/spec/ports").findValuesAsText("name")).as("only the API is exposed").containsExactly("http");
    assertThat(api.at("/metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-type").asText())
        .isEqualTo("external");
    var management = services.stream().filter(s -> s.at("/metadata/name").asText().endsWith("-management"))
        .findFirst().orElseThrow();
    assertThat(management.at("/spec/type").asText()).isEqualTo("ClusterIP");
    assertThat(management.at("/spec/ports").findValuesAsText("name")).containsExactly("management");
    assertThat(only(exposed, "Pod").at("/spec/containers/0/command/2").asText())
        .contains("http://orders-order-service-management:9000/q/health/ready",
            "http://orders-order-service:8443/api/products");
    assertThat(strict(t -> t.set("service.type", "LoadBalancer"))).isNotEmpty();
  }

  @Test
  void anUmbrellaChartsConditionKeyIsAccepted() {
    assertThat(render(t -> t.set("enabled", "true"))).isNotEmpty();
  }

  private static List<String> names(JsonNode env) {
    var names = new java.util.ArrayList<String>();
    env.forEach(variable -> names.add(variable.path("name").asText()));
    return names;
  }

  private static String secretRef(JsonNode env, String name) {
    for (JsonNode variable : env) {
      if (variable.path("name").asText().equals(name)) {
        var ref = variable.at("/valueFrom/secretKeyRef");
        return ref.path("name").asText() + "/" + ref.path("key").asText();
      }
    }
    return null;
  }
}
