package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.orders.testing.KubernetesSchemas;
import shop.orders.testing.KubernetesSchemas.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.CUSTOM_KINDS;
import static shop.orders.ops.HelmChartRendering.EVENT;
import static shop.orders.ops.HelmChartRendering.SOURCE;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.withKeda;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/**
 * Every built-in object the chart renders is validated against the Kubernetes API of two releases, the oldest the
 * chart supports (1.30, its kubeVersion) and the newest published (1.36), as an API server with strict field
 * validation takes it (testing.KubernetesSchemas): an apiVersion the release does not serve, a field the API does
 * not have at that place, a value of the wrong JSON type (a quoted number too), a missing required field or a
 * malformed quantity fails, naming the object, the release, the field's path and why. The API is
 * io.kubernetes:client-java-api, generated from each release's OpenAPI (21.x: 1.30, 27.x: 1.36), each release loaded
 * on its own (pom.xml copies them to target/kubernetes-api). The chart is rendered with its defaults and with value
 * sets that, between them, render every template and every optional part (values-event.yaml; KEDA; the monitoring
 * objects; an exposed Service, an Ingress, extra volumes and variables, placement; fixed replicas, no optional
 * object). Enum values are not checked here (the API's OpenAPI leaves them in prose): values.schema.json
 * enumerates those the chart takes from its values. StrictKubernetes, which the other chart tests use, knows one
 * release (fabric8's models) and reads a quoted number or boolean as the number or boolean. Custom resources (the
 * Prometheus operator's, KEDA's, the Gateway API's) are checked against their own schemas elsewhere.
 */
class KubernetesSchemasTests {
  private static final Pattern SOURCE_COMMENT = Pattern.compile("(?m)^# Source: order-service/(templates/\\S+)$");
  private static final String CONTAINER = "/spec/template/spec/containers/0";
  private static final Map<String, String> RENDERED = new LinkedHashMap<>();
  private static List<JsonNode> defaults;

  @TempDir
  static Path dir;

  /** Everything optional on: an exposed Service, an Ingress, extra volumes and variables, placement, fixed pods. */
  private static final String EVERYTHING = """
      image:
        tag: "1.0.1"
        digest: "sha256:%s"
        pullPolicy: Always
      imagePullSecrets: [registry-credentials]
      autoscaling:
        enabled: false
      replicaCount: 3
      rollout:
        maxSurge: "25%%"
        maxUnavailable: 0
      database:
        credentialsSecret: orders-db
      events:
        brokerUrlSecret: {name: orders-broker, key: url}
      secretEnv:
        DB_USER: {name: orders-db-app, key: username}
        DB_PASSWORD: {name: orders-db-app, key: password}
      extraConfig:
        QUARKUS_LOG_LEVEL: DEBUG
      extraEnv:
        - name: NODE_NAME
          valueFrom:
            fieldRef: {fieldPath: spec.nodeName}
        - name: POD_MEMORY_LIMIT
          valueFrom:
            resourceFieldRef: {resource: limits.memory, divisor: 1Mi}
      extraVolumes:
        - name: jwt-key
          secret:
            secretName: orders-jwt
            defaultMode: 0440
        - name: db-ca
          configMap:
            name: orders-db-ca
            items: [{key: ca.crt, path: ca.crt}]
        - name: cache
          emptyDir: {medium: Memory, sizeLimit: 64Mi}
      extraVolumeMounts:
        - {name: jwt-key, mountPath: /etc/orders/jwt, readOnly: true}
        - {name: db-ca, mountPath: /etc/orders/db-ca, readOnly: true}
        - {name: cache, mountPath: /var/cache/orders}
      podAnnotations:
        reloader.stakater.com/auto: "true"
      podLabels:
        team: checkout
      priorityClassName: shop-critical
      nodeSelector:
        node.shop/pool: api
      tolerations:
        - {key: dedicated, operator: Equal, value: api, effect: NoSchedule}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: kubernetes.io/arch, operator: In, values: [amd64]}
      topologySpread:
        constraints:
          - maxSkew: 1
            topologyKey: topology.kubernetes.io/zone
            whenUnsatisfiable: DoNotSchedule
      service:
        type: LoadBalancer
        port: 443
        annotations:
          service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
      ingress:
        enabled: true
        className: nginx
        annotations:
          cert-manager.io/cluster-issuer: letsencrypt
        hosts: [api.shop.example.com, api.shop.example.org]
        tls:
          - secretName: orders-api-tls
            hosts: [api.shop.example.com, api.shop.example.org]
      serviceAccount:
        annotations:
          eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/orders
      networkPolicy:
        apiFrom:
          - namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
          - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
        managementFrom:
          - namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: monitoring}
            podSelector:
              matchLabels: {app.kubernetes.io/name: prometheus}
      podDisruptionBudget:
        minAvailable: "50%%"
        unhealthyPodEvictionPolicy: IfHealthyBudget
      migrations:
        job:
          resources:
            requests: {cpu: 100m, memory: 384Mi}
            limits: {cpu: "1", memory: 384Mi}
      dashboard:
        enabled: true
      """.formatted("ab".repeat(32));

  /** Every optional object off, the ids left to the platform (OpenShift's restricted SCC). */
  private static final String NOTHING = """
      autoscaling:
        enabled: false
      service:
        type: NodePort
      serviceAccount:
        create: false
      networkPolicy:
        enabled: false
      podDisruptionBudget:
        enabled: false
      migrations:
        job:
          enabled: false
      podSecurity:
        runAsUser: null
        runAsGroup: null
        fsGroup: null
      topologySpread:
        zone: ""
        node: ""
      """;

  @BeforeAll
  static void renderEveryValueSet() throws IOException {
    Path everything = Files.writeString(dir.resolve("everything.yaml"), EVERYTHING);
    Path nothing = Files.writeString(dir.resolve("nothing.yaml"), NOTHING);
    Map<String, UnaryOperator<TemplateCommand>> sets = new LinkedHashMap<>();
    sets.put("defaults", t -> t);
    sets.put("values-event.yaml", t -> t.withValuesFile(EVENT));
    sets.put("KEDA, with values-event.yaml and a scheduled pre-scaling", t -> withKeda(t).withValuesFile(EVENT)
        .set("keda.cron.schedules[0].timezone", "Europe/Paris").set("keda.cron.schedules[0].start", "30 17 27 11 *")
        .set("keda.cron.schedules[0].end", "0 22 27 11 *").set("keda.cron.schedules[0].desiredReplicas", "4"));
    sets.put("monitoring", t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true")
        .set("serviceMonitor.labels.release", "kube-prometheus-stack").set("prometheusRule.enabled", "true")
        .set("dashboard.enabled", "true"));
    sets.put("everything optional", t -> t.withValuesFile(everything)
        .set("apiVersions[0]", "gateway.networking.k8s.io/v1").set("httpRoute.enabled", "true")
        .set("httpRoute.parentRefs[0].name", "shop").set("httpRoute.parentRefs[0].namespace", "gateways"));
    sets.put("nothing optional", t -> t.withValuesFile(nothing));
    sets.forEach((name, options) -> RENDERED.put(name, renderYaml(options)));
    defaults = objects(RENDERED.get("defaults"));
  }

  @Test
  void everyBuiltInObjectOfEveryValueSetIsValidInBothReleases() {
    assertThat(KubernetesSchemas.releases()).as("1.30 and a newer release").hasSize(2).first().isEqualTo("1.30");
    var kinds = new TreeSet<String>();
    var problems = new ArrayList<String>();
    int validated = 0;
    for (var set : RENDERED.entrySet()) {
      var objects = objects(set.getValue());
      KubernetesSchemas.validate(objects, CUSTOM_KINDS).forEach(p -> problems.add(set.getKey() + ": " + p));
      var builtIn = objects.stream().map(o -> o.path("kind").asText()).filter(k -> !CUSTOM_KINDS.contains(k))
          .toList();
      kinds.addAll(builtIn);
      validated += builtIn.size();
    }
    assertThat(problems).as("objects the Kubernetes API would refuse").isEmpty();
    assertThat(kinds).containsExactly("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job",
        "NetworkPolicy", "Pod", "PodDisruptionBudget", "Service", "ServiceAccount");
    assertThat(validated).as("objects validated, each in both releases").isGreaterThanOrEqualTo(50);
  }

  @Test
  void theValueSetsRenderEveryTemplate() throws IOException {
    Set<String> templates = new TreeSet<>();
    try (var files = Files.walk(SOURCE.resolve("templates"))) {
      files.filter(f -> f.toString().endsWith(".yaml"))
          .forEach(f -> templates.add(SOURCE.relativize(f).toString().replace('\\', '/')));
    }
    Set<String> rendered = new TreeSet<>();
    RENDERED.values().forEach(yaml -> SOURCE_COMMENT.matcher(yaml).results().map(m -> m.group(1))
        .forEach(rendered::add));
    assertThat(rendered).isEqualTo(templates);
  }

  // Planted errors: each must fail, with the object, the release and the field's path.

  @Test
  void anUnknownFieldFails() {
    var deployment = deployment();
    container(deployment).put("imagePullPolicyy", "IfNotPresent");
    assertThat(problems(deployment)).containsExactly(
        "Deployment/orders-order-service, Kubernetes 1.30: spec.template.spec.containers[0].imagePullPolicyy: "
            + "unknown field \"imagePullPolicyy\" (V1Container has no such field)",
        "Deployment/orders-order-service, Kubernetes 1.36: spec.template.spec.containers[0].imagePullPolicyy: "
            + "unknown field \"imagePullPolicyy\" (V1Container has no such field)");
    assertThatThrownBy(() -> KubernetesSchemas.assertValid(List.of(deployment), CUSTOM_KINDS))
        .isInstanceOf(AssertionError.class).hasMessageContaining("imagePullPolicyy");
  }

  @Test
  void aValueOfTheWrongTypeFailsAQuotedNumberOrBooleanToo() {
    var deployment = deployment();
    ((ObjectNode) deployment.path("spec")).put("replicas", "two");
    assertThat(problems(deployment)).containsExactly(
        "Deployment/orders-order-service, Kubernetes 1.30: spec.replicas: expected an integer (int32), got string "
            + "\"two\"",
        "Deployment/orders-order-service, Kubernetes 1.36: spec.replicas: expected an integer (int32), got string "
            + "\"two\"");

    var quoted = deployment();
    ((ObjectNode) quoted.path("spec")).put("replicas", "2");
    ((ObjectNode) container(quoted).path("securityContext")).put("readOnlyRootFilesystem", "true");
    ((ObjectNode) container(quoted).withArray("ports").get(0)).put("containerPort", "8080");
    assertThat(problems(quoted)).filteredOn(p -> p.contains("1.30")).containsExactlyInAnyOrder(
        "Deployment/orders-order-service, Kubernetes 1.30: spec.replicas: expected an integer (int32), got string "
            + "\"2\"",
        "Deployment/orders-order-service, Kubernetes 1.30: spec.template.spec.containers[0].ports[0].containerPort: "
            + "expected an integer (int32), got string \"8080\"",
        "Deployment/orders-order-service, Kubernetes 1.30: spec.template.spec.containers[0].securityContext"
            + ".readOnlyRootFilesystem: expected a boolean, got string \"true\"");
  }

  @Test
  void aMissingRequiredFieldOrAMalformedQuantityFails() {
    var deployment = deployment();
    container(deployment).remove("name");
    ((ObjectNode) container(deployment).path("resources").path("limits")).put("memory", "1 Gi");
    assertThat(problems(deployment)).filteredOn(p -> p.contains("1.36")).containsExactly(
        "Deployment/orders-order-service, Kubernetes 1.36: spec.template.spec.containers[0].resources.limits.memory: "
            + "not a quantity: \"1 Gi\" (Unable to parse numeric part of quantity: 1 )",
        "Deployment/orders-order-service, Kubernetes 1.36: spec.template.spec.containers[0].name: "
            + "required field missing");
  }

  @Test
  void anApiVersionRemovedBeforeOrAfter130Fails() {
    var pdb = only(defaults, "PodDisruptionBudget").deepCopy();
    ((ObjectNode) pdb).put("apiVersion", "policy/v1beta1");
    assertThat(problems(pdb)).containsExactly(
        "PodDisruptionBudget/orders-order-service, Kubernetes 1.30: apiVersion: Kubernetes 1.30 does not serve "
            + "policy/v1beta1 (removed, or never one of its APIs)",
        "PodDisruptionBudget/orders-order-service, Kubernetes 1.36: apiVersion: Kubernetes 1.36 does not serve "
            + "policy/v1beta1 (removed, or never one of its APIs)");

    var hpa = only(defaults, "HorizontalPodAutoscaler").deepCopy();
    ((ObjectNode) hpa).put("apiVersion", "autoscaling/v2beta2");
    assertThat(problems(hpa)).hasSize(2).allMatch(p -> p.contains("does not serve autoscaling/v2beta2"));

    // Served by 1.30, removed in 1.32: valid there, refused by the newest.
    var flowSchema = KubernetesSchemasTests.yaml("""
        apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
        kind: FlowSchema
        metadata:
          name: orders
        spec:
          priorityLevelConfiguration:
            name: workload-high
          matchingPrecedence: 1000
          rules:
            - subjects:
                - kind: ServiceAccount
                  serviceAccount: {name: orders-order-service, namespace: shop}
              resourceRules:
                - verbs: [get]
                  apiGroups: [""]
                  resources: [configmaps]
                  namespaces: [shop]
        """);
    assertThat(problems(flowSchema)).containsExactly(
        "FlowSchema/orders, Kubernetes 1.36: apiVersion: Kubernetes 1.36 does not serve "
            + "flowcontrol.apiserver.k8s.io/v1beta3 (removed, or never one of its APIs)");
  }

  @Test
  void aFieldNewerThan130FailsThere() {
    // The autoscaler's tolerance (Kubernetes 1.33): a chart using it would not install on 1.30.
    var hpa = only(defaults, "HorizontalPodAutoscaler").deepCopy();
    ((ObjectNode) hpa.at("/spec/behavior/scaleUp")).put("tolerance", "0.05");
    assertThat(problems(hpa)).containsExactly(
        "HorizontalPodAutoscaler/orders-order-service, Kubernetes 1.30: spec.behavior.scaleUp.tolerance: unknown "
            + "field \"tolerance\" (V2HPAScalingRules has no such field)");
  }

  @Test
  void anEnumValueIsLeftToTheValuesSchema() {
    // The API's schemas type imagePullPolicy as a string: the value only an API server's validation refuses passes
    // here; the chart's values.schema.json enumerates the values it takes, so helm refuses it before rendering.
    var deployment = deployment();
    container(deployment).put("imagePullPolicy", "Sometimes");
    assertThat(problems(deployment)).isEmpty();
    assertThatThrownBy(() -> renderYaml(t -> t.set("image.pullPolicy", "Sometimes")))
        .hasMessageContaining("pullPolicy");
  }

  private static List<String> problems(JsonNode object) {
    List<String> problems = new ArrayList<>();
    for (String release : KubernetesSchemas.releases()) {
      KubernetesSchemas.of(release).validate(object).stream().map(Problem::toString).forEach(problems::add);
    }
    return problems;
  }

  private static JsonNode deployment() {
    var deployment = only(defaults, "Deployment").deepCopy();
    assertThat(problems(deployment)).as("the chart's Deployment, before the error is planted").isEmpty();
    return deployment;
  }

  private static ObjectNode container(JsonNode deployment) {
    return (ObjectNode) deployment.at(CONTAINER);
  }

  private static JsonNode yaml(String text) {
    return objects(text).getFirst();
  }
}
