package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.orders.testing.StrictKubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.CUSTOM_KINDS;
import static shop.orders.ops.HelmChartRendering.KEDA_API;
import static shop.orders.ops.HelmChartRendering.MONITORING_API;
import static shop.orders.ops.HelmChartRendering.SOURCE;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.strict;

/**
 * The chart with its neighbours' objects, from helm/order-service/examples: a CloudNativePG Cluster, an External
 * Secrets ExternalSecret and its ClusterSecretStore, an Ingress with cert-manager, a Gateway API Gateway with its
 * cert-manager Certificate. Each example's values render the chart wired to those objects (checked field by field);
 * every rendered object is read strictly against the Kubernetes API models, and every custom resource, rendered or
 * written in an example, is validated against its project's schema (tools/contract/validate-custom-resources.mjs).
 * Broken objects are refused there.
 */
class HelmChartNeighboursTests {
  static final Path EXAMPLES = SOURCE.resolve("examples");
  static final String GATEWAY_API = "gateway.networking.k8s.io/v1";
  static final String NAMESPACE = "shop";
  /** The neighbours' kinds the Kubernetes API models do not have (fabric8's have the Gateway API's). */
  static final Set<String> NEIGHBOUR_KINDS = Set.of("Cluster", "ExternalSecret", "ClusterSecretStore", "Certificate");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static final Path CNPG_VALUES = EXAMPLES.resolve("values-cloudnative-pg.yaml");
  static final Path CNPG_CLUSTER = EXAMPLES.resolve("cloudnative-pg-cluster.yaml");
  static final Path ESO_VALUES = EXAMPLES.resolve("values-external-secrets.yaml");
  static final Path ESO_SECRET = EXAMPLES.resolve("external-secrets.yaml");
  static final Path ESO_STORE = EXAMPLES.resolve("external-secrets-store.yaml");
  static final Path INGRESS_VALUES = EXAMPLES.resolve("values-ingress-cert-manager.yaml");
  static final Path GATEWAY_VALUES = EXAMPLES.resolve("values-gateway-api.yaml");
  static final Path GATEWAY = EXAMPLES.resolve("gateway-api-gateway.yaml");

  /** One platform choice: its values, the objects it needs beside the chart, and what the cluster must serve. */
  record Example(String name, Path values, List<Path> neighbours, List<String> apiVersions, Set<String> customKinds) {
    UnaryOperator<TemplateCommand> options() {
      return t -> {
        var template = t.withNamespace(NAMESPACE).withValuesFile(values);
        for (int i = 0; i < apiVersions.size(); i++) {
          template = template.set("apiVersions[" + i + "]", apiVersions.get(i));
        }
        return template;
      };
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Example> examples() {
    return Stream.of(
        new Example("CloudNativePG", CNPG_VALUES, List.of(CNPG_CLUSTER), List.of(), Set.of("Cluster")),
        new Example("External Secrets", ESO_VALUES, List.of(ESO_SECRET, ESO_STORE), List.of(),
            Set.of("ExternalSecret", "ClusterSecretStore")),
        new Example("Ingress with cert-manager", INGRESS_VALUES, List.of(), List.of(), Set.of()),
        new Example("Gateway API", GATEWAY_VALUES, List.of(GATEWAY), List.of(GATEWAY_API),
            Set.of("HTTPRoute", "Gateway", "Certificate")));
  }

  private static List<JsonNode> file(Path path) {
    try {
      return objects(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode values(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The container's env by variable name. */
  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(variable -> env.put(variable.path("name").asText(), variable));
    return env;
  }

  private static JsonNode deploymentContainer(List<JsonNode> objects) {
    return only(objects, "Deployment").at("/spec/template/spec/containers/0");
  }

  private static JsonNode migrationJob(List<JsonNode> objects) {
    return only(objects, "Job");
  }

  private static void assertFromSecret(JsonNode variable, String secret, String key) {
    assertThat(variable).as("an env variable").isNotNull();
    assertThat(variable.at("/valueFrom/secretKeyRef/name").asText()).as(variable.toString()).isEqualTo(secret);
    assertThat(variable.at("/valueFrom/secretKeyRef/key").asText()).as(variable.toString()).isEqualTo(key);
    assertThat(variable.has("value")).as(variable.toString()).isFalse();
  }

  private static JsonNode volume(JsonNode podSpec, String name) {
    for (JsonNode volume : podSpec.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name + " in " + podSpec.path("volumes"));
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        assertThat(mount.path("readOnly").asBoolean()).as("mounted read-only").isTrue();
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError("no mount of " + volume + " in " + container.path("volumeMounts"));
  }

  // CloudNativePG

  @Test
  void cloudNativePgValuesConnectToTheClustersPrimaryWithItsAppSecretAndCa() {
    var cluster = only(file(CNPG_CLUSTER), "Cluster");
    String name = cluster.at("/metadata/name").asText();
    String database = cluster.at("/spec/bootstrap/initdb/database").asText();
    assertThat(name).isEqualTo("orders-db");
    var objects = render(t -> t.withNamespace(NAMESPACE).withValuesFile(CNPG_VALUES));

    // The primary through the Cluster's read-write Service, TLS verified against the Cluster's CA.
    String url = only(objects, "ConfigMap").at("/data/DB_URL").asText();
    assertThat(url).startsWith("jdbc:postgresql://" + name + "-rw:5432/" + database + "?")
        .contains("sslmode=verify-full").doesNotContain("user=", "password=");
    var job = migrationJob(objects);
    var jobContainer = job.at("/spec/template/spec/containers/0");
    assertThat(env(jobContainer).get("DB_URL").path("value").asText()).as("the migration's").isEqualTo(url);

    // User and password from the Secret the operator writes for the owner, in the pods and the migration alike.
    var container = deploymentContainer(objects);
    for (JsonNode c : List.of(container, jobContainer)) {
      assertFromSecret(env(c).get("DB_USER"), name + "-app", "username");
      assertFromSecret(env(c).get("DB_PASSWORD"), name + "-app", "password");
    }
    // The webhook secret and the broker still come from the release's credentials Secret.
    assertThat(container.at("/envFrom/1/secretRef/name").asText()).isEqualTo("orders-order-service-secrets");
    assertThat(jobContainer.at("/envFrom/0/secretRef/name").asText()).isEqualTo("orders-order-service-secrets");

    // The CA certificate alone (not the CA's key) from <cluster>-ca, where sslrootcert points, in both pods.
    var pods = List.of(only(objects, "Deployment").at("/spec/template/spec"), job.at("/spec/template/spec"));
    for (JsonNode pod : pods) {
      var ca = volume(pod, "orders-db-ca");
      assertThat(ca.at("/secret/secretName").asText()).isEqualTo(name + "-ca");
      assertThat(ca.at("/secret/items").size()).isEqualTo(1);
      assertThat(ca.at("/secret/items/0/key").asText()).isEqualTo("ca.crt");
      String path = mountPath(pod.at("/containers/0"), "orders-db-ca") + "/" + ca.at("/secret/items/0/path").asText();
      assertThat(url).contains("sslrootcert=" + path);
    }
    // The read-only Service is mentioned for reads, not used.
    assertThat(text(CNPG_VALUES)).contains(name + "-ro");
  }

  @Test
  void theClusterKeepsEveryAcknowledgedCommitAndSizesTheChartsConnectionBudget() {
    var spec = only(file(CNPG_CLUSTER), "Cluster").path("spec");
    assertThat(spec.path("instances").asInt()).isEqualTo(3);
    var synchronous = spec.at("/postgresql/synchronous");
    assertThat(synchronous.path("method").asText()).isEqualTo("any");
    assertThat(synchronous.path("number").asInt()).as("a standby acknowledges every commit")
        .isEqualTo(1).isLessThan(spec.path("instances").asInt());
    assertThat(synchronous.path("dataDurability").asText()).as("never relaxed while standbys are away")
        .isEqualTo("required");
    assertThat(synchronous.path("failoverQuorum").asBoolean()).as("no promotion that could lose a commit").isTrue();
    assertThat(spec.at("/postgresql/parameters/synchronous_commit").isMissingNode())
        .as("PostgreSQL's default, on: a commit waits for the standby's flush").isTrue();

    int maxConnections = Integer.parseInt(spec.at("/postgresql/parameters/max_connections").asText());
    assertThat(values(CNPG_VALUES).at("/database/maxConnections").asInt()).isEqualTo(maxConnections);
    // The capacity guard counts against the Cluster's budget: 8 pods of 20 fit 200 - 10, 10 would not.
    var hpa = only(render(t -> t.withValuesFile(CNPG_VALUES)), "HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(8);
    assertThatThrownBy(() -> render(t -> t.withValuesFile(CNPG_VALUES).set("autoscaling.maxReplicas", "10")))
        .hasMessageContaining("capacity guard: 10 pods x database.pool.maxSize 20 = 200 connections,"
            + " over the database budget of 190 (database.maxConnections 200");
  }

  // External Secrets

  @Test
  void theExternalSecretWritesTheSecretThePodsAndTheMigrationRead() {
    var externalSecret = only(file(ESO_SECRET), "ExternalSecret");
    String target = externalSecret.at("/spec/target/name").asText();
    assertThat(target).isEqualTo(values(ESO_VALUES).at("/database/credentialsSecret").asText());
    var objects = render(t -> t.withNamespace(NAMESPACE).withValuesFile(ESO_VALUES));
    var container = deploymentContainer(objects);
    assertThat(container.at("/envFrom/1/secretRef/name").asText()).isEqualTo(target);
    assertThat(container.path("env").isMissingNode()).as("every credential from that Secret").isTrue();
    var jobContainer = migrationJob(objects).at("/spec/template/spec/containers/0");
    assertThat(jobContainer.at("/envFrom/0/secretRef/name").asText()).isEqualTo(target);

    // The keys are the variables the service reads.
    Set<String> keys = new TreeSet<>();
    externalSecret.at("/spec/data").forEach(d -> keys.add(d.path("secretKey").asText()));
    assertThat(keys).containsExactlyInAnyOrder("DB_USER", "DB_PASSWORD", "PAYMENT_WEBHOOK_SECRET", "RABBITMQ_URL");
    String properties = text(Path.of("src/main/resources/application.properties"));
    keys.forEach(key -> assertThat(properties).contains("${" + key));

    // From the store of the example (a ClusterSecretStore this namespace may use).
    var store = only(file(ESO_STORE), "ClusterSecretStore");
    assertThat(externalSecret.at("/spec/secretStoreRef/kind").asText()).isEqualTo("ClusterSecretStore");
    assertThat(externalSecret.at("/spec/secretStoreRef/name").asText()).isEqualTo(store.at("/metadata/name").asText());
    assertThat(store.at("/spec/conditions/0/namespaces").toString()).contains("\"" + NAMESPACE + "\"");
  }

  // Ingress with cert-manager

  @Test
  void theIngressRoutesOnlyTheApiOverTlsFromCertManager() {
    var objects = render(t -> t.withNamespace(NAMESPACE).withValuesFile(INGRESS_VALUES));
    var ingress = only(objects, "Ingress");
    var service = only(objects, "Service");
    assertThat(ingress.at("/metadata/annotations/cert-manager.io~1cluster-issuer").asText()).isNotBlank();
    assertThat(ingress.at("/spec/ingressClassName").asText()).isNotBlank();

    Set<String> hosts = new TreeSet<>();
    for (JsonNode rule : ingress.at("/spec/rules")) {
      hosts.add(rule.path("host").asText());
      var paths = rule.at("/http/paths");
      assertThat(paths.size()).as("/api only").isEqualTo(1);
      assertThat(paths.at("/0/path").asText()).isEqualTo("/api");
      assertThat(paths.at("/0/pathType").asText()).isEqualTo("Prefix");
      assertThat(paths.at("/0/backend/service/name").asText()).isEqualTo(service.at("/metadata/name").asText());
      assertThat(paths.at("/0/backend/service/port/name").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());
    }
    assertThat(hosts).isNotEmpty();
    Set<String> tlsHosts = new TreeSet<>();
    ingress.at("/spec/tls").forEach(tls -> {
      assertThat(tls.path("secretName").asText()).isNotBlank();
      tls.path("hosts").forEach(h -> tlsHosts.add(h.asText()));
    });
    assertThat(tlsHosts).as("every host over TLS").containsAll(hosts);
  }

  // Gateway API

  @Test
  void theHttpRouteAttachesToTheGatewaysHttpsListenerAndSendsTheApiToTheService() {
    var objects = render(t -> t.withNamespace(NAMESPACE).withValuesFile(GATEWAY_VALUES).set("apiVersions[0]", GATEWAY_API));
    var route = only(objects, "HTTPRoute");
    var service = only(objects, "Service");
    var neighbours = file(GATEWAY);
    var gateway = only(neighbours, "Gateway");
    var certificate = only(neighbours, "Certificate");

    var parent = route.at("/spec/parentRefs/0");
    assertThat(route.at("/spec/parentRefs").size()).isEqualTo(1);
    assertThat(parent.path("name").asText()).isEqualTo(gateway.at("/metadata/name").asText());
    assertThat(parent.path("namespace").asText()).isEqualTo(gateway.at("/metadata/namespace").asText());
    JsonNode listener = null;
    for (JsonNode l : gateway.at("/spec/listeners")) {
      if (l.path("name").asText().equals(parent.path("sectionName").asText())) {
        listener = l;
      }
    }
    assertThat(listener).as("the listener named by sectionName").isNotNull();
    assertThat(listener.path("protocol").asText()).isEqualTo("HTTPS");
    assertThat(listener.at("/tls/mode").asText()).isEqualTo("Terminate");
    // The listener takes routes of the release's namespace, for the route's host.
    assertThat(listener.at("/allowedRoutes/namespaces/selector/matchLabels/kubernetes.io~1metadata.name").asText())
        .isEqualTo(NAMESPACE);
    List<String> hostnames = new ArrayList<>();
    route.at("/spec/hostnames").forEach(h -> hostnames.add(h.asText()));
    assertThat(hostnames).containsExactly(listener.path("hostname").asText());

    var rules = route.at("/spec/rules");
    assertThat(rules.size()).isEqualTo(1);
    assertThat(rules.at("/0/matches").size()).as("/api only").isEqualTo(1);
    assertThat(rules.at("/0/matches/0/path/type").asText()).isEqualTo("PathPrefix");
    assertThat(rules.at("/0/matches/0/path/value").asText()).isEqualTo("/api");
    assertThat(rules.at("/0/backendRefs/0/name").asText()).isEqualTo(service.at("/metadata/name").asText());
    assertThat(rules.at("/0/backendRefs/0/port").asInt()).isEqualTo(service.at("/spec/ports/0/port").asInt());

    // cert-manager keeps the listener's Secret, in the Gateway's namespace, for its host.
    assertThat(certificate.at("/metadata/namespace").asText()).isEqualTo(gateway.at("/metadata/namespace").asText());
    assertThat(certificate.at("/spec/secretName").asText()).isEqualTo(listener.at("/tls/certificateRefs/0/name").asText());
    assertThat(certificate.at("/spec/dnsNames").toString()).contains("\"" + listener.path("hostname").asText() + "\"");

    // helm template without the Gateway API listed: refused, with the way to list it.
    assertThatThrownBy(() -> render(t -> t.withValuesFile(GATEWAY_VALUES)))
        .hasMessageContaining("does not serve gateway.networking.k8s.io/v1");
  }

  // Every example, validated

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleRendersValidObjectsAndItsNeighboursAreValid(Example example) {
    assertThat(strict(example.options())).as("the rendered objects, strictly").isNotEmpty();
    for (Path neighbour : example.neighbours()) {
      assertThat(StrictKubernetes.parse(text(neighbour), NEIGHBOUR_KINDS)).as(neighbour.toString()).isNotEmpty();
    }

    var result = CustomResourceValidation.validate(renderYaml(example.options()),
        example.customKinds().isEmpty() ? List.of() : List.of("--expect", String.join(",", example.customKinds())),
        example.neighbours().toArray(Path[]::new));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.validKinds()).as(result.output()).isEqualTo(new TreeSet<>(example.customKinds()));
    assertThat(result.notChecked()).as("only built-in kinds are left to StrictKubernetes")
        .allMatch(object -> object.endsWith("(a built-in Kubernetes kind)"));
  }

  @Test
  void theExamplesCombineAndEveryCustomResourceOfTheChartIsValidated() {
    UnaryOperator<TemplateCommand> all = t -> t.withNamespace(NAMESPACE)
        .withValuesFile(CNPG_VALUES).withValuesFile(ESO_VALUES).withValuesFile(GATEWAY_VALUES)
        .set("apiVersions[0]", GATEWAY_API).set("apiVersions[1]", MONITORING_API).set("apiVersions[2]", KEDA_API)
        .set("serviceMonitor.enabled", "true").set("prometheusRule.enabled", "true").set("keda.enabled", "true");
    var objects = render(all);
    // CloudNativePG's user and password take precedence over the ExternalSecret's (drop those keys from it then).
    var container = deploymentContainer(objects);
    assertFromSecret(env(container).get("DB_USER"), "orders-db-app", "username");
    assertThat(container.at("/envFrom/1/secretRef/name").asText()).isEqualTo("orders-credentials");
    assertThat(strict(all)).isNotEmpty();

    var result = CustomResourceValidation.validate(renderYaml(all),
        List.of("--expect", "ScaledObject,ServiceMonitor,PrometheusRule,HTTPRoute"),
        CNPG_CLUSTER, ESO_SECRET, ESO_STORE, GATEWAY);
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.validKinds()).containsExactlyInAnyOrder("ScaledObject", "ServiceMonitor", "PrometheusRule",
        "HTTPRoute", "Cluster", "ExternalSecret", "ClusterSecretStore", "Gateway", "Certificate");
    assertThat(result.notChecked()).allMatch(object -> object.endsWith("(a built-in Kubernetes kind)"));
    // The custom kinds StrictKubernetes lets through by name are those the validator checks.
    assertThat(result.validKinds()).containsAll(CUSTOM_KINDS).containsAll(NEIGHBOUR_KINDS);
  }

  // Broken objects are refused

  @Test
  void aClusterWithAWrongTypeOrAnUnknownFieldIsRefused() {
    String cluster = text(CNPG_CLUSTER);
    assertThat(cluster).contains("max_connections: \"200\"", "instances: 3", "    synchronous:");

    var unquoted = CustomResourceValidation.validate(cluster.replace("max_connections: \"200\"", "max_connections: 200"),
        List.of("--expect", "Cluster"));
    assertThat(unquoted.exit()).as(unquoted.output()).isEqualTo(1);
    assertThat(unquoted.output()).contains("Cluster/orders-db (stdin, document 1): not a valid Cluster",
        "/spec/postgresql/parameters/max_connections must be string");

    var words = CustomResourceValidation.validate(cluster.replace("instances: 3", "instances: three"), List.of());
    assertThat(words.exit()).as(words.output()).isEqualTo(1);
    assertThat(words.output()).contains("/spec/instances must be integer");

    var misspelt = CustomResourceValidation.validate(cluster.replace("    synchronous:", "    synchronus:"), List.of());
    assertThat(misspelt.exit()).as(misspelt.output()).isEqualTo(1);
    assertThat(misspelt.output()).contains("/spec/postgresql has a field the schema does not know: synchronus");

    var otherVersion = CustomResourceValidation.validate(
        cluster.replace("postgresql.cnpg.io/v1", "postgresql.cnpg.io/v1beta1"), List.of("--expect", "Cluster"));
    assertThat(otherVersion.exit()).as("an expected kind that is not checked fails").isEqualTo(1);
    assertThat(otherVersion.output()).contains("Cluster/orders-db (postgresql.cnpg.io/v1beta1): not checked here",
        "Cluster found (postgresql.cnpg.io/v1beta1) but not checked");
    assertThat(otherVersion.validKinds()).isEmpty();
  }

  @Test
  void anExternalSecretWithoutARequiredFieldIsRefused() {
    String externalSecret = text(ESO_SECRET);
    String entry = "    - secretKey: DB_PASSWORD\n      remoteRef:\n";
    assertThat(externalSecret).contains(entry, "        key: shop/orders/rabbitmq\n");

    var noSecretKey = CustomResourceValidation.validate(externalSecret.replace(entry, "    - remoteRef:\n"),
        List.of("--expect", "ExternalSecret"));
    assertThat(noSecretKey.exit()).as(noSecretKey.output()).isEqualTo(1);
    assertThat(noSecretKey.output()).contains("ExternalSecret/orders-credentials (stdin, document 1): not a valid"
        + " ExternalSecret", "/spec/data/1 must have required property secretKey");

    var noKey = CustomResourceValidation.validate(externalSecret.replace("        key: shop/orders/rabbitmq\n", ""),
        List.of());
    assertThat(noKey.exit()).as(noKey.output()).isEqualTo(1);
    assertThat(noKey.output()).contains("/spec/data/3/remoteRef must have required property key");

    var store = CustomResourceValidation.validate(
        externalSecret.replace("kind: ClusterSecretStore", "kind: ClusterStore"), List.of());
    assertThat(store.exit()).as(store.output()).isEqualTo(1);
    assertThat(store.output()).contains("/spec/secretStoreRef/kind must be equal to one of the allowed values:"
        + " SecretStore, ClusterSecretStore");
  }

  @Test
  void aBadHttpRouteIsRefused() {
    String rendered = renderYaml(t -> t.withValuesFile(GATEWAY_VALUES).set("apiVersions[0]", GATEWAY_API));
    assertThat(rendered).contains("          port: 80\n", "            type: PathPrefix\n", "    - name: shop\n");

    var namedPort = CustomResourceValidation.validate(rendered.replace("          port: 80\n", "          port: http\n"),
        List.of("--expect", "HTTPRoute"));
    assertThat(namedPort.exit()).as(namedPort.output()).isEqualTo(1);
    assertThat(namedPort.output()).contains("HTTPRoute/orders-order-service (stdin, document",
        "not a valid HTTPRoute", "/spec/rules/0/backendRefs/0/port must be integer");

    var ingressPathType = CustomResourceValidation.validate(
        rendered.replace("            type: PathPrefix\n", "            type: Prefix\n"), List.of());
    assertThat(ingressPathType.exit()).as(ingressPathType.output()).isEqualTo(1);
    assertThat(ingressPathType.output()).contains("/spec/rules/0/matches/0/path/type must be equal to one of the"
        + " allowed values: Exact, PathPrefix, RegularExpression");

    var noGateway = CustomResourceValidation.validate(rendered.replace("    - name: shop\n", "    - nam: shop\n"),
        List.of());
    assertThat(noGateway.exit()).as(noGateway.output()).isEqualTo(1);
    assertThat(noGateway.output()).contains("/spec/parentRefs/0 must have required property name");
    // The same misspelling, read against the Kubernetes API models (fabric8's Gateway API): an unknown field.
    assertThatThrownBy(() -> StrictKubernetes.parse(rendered.replace("    - name: shop\n", "    - nam: shop\n"),
        CUSTOM_KINDS)).hasMessageContaining("HTTPRoute/orders-order-service: fields the Kubernetes API does not have"
        + " there").hasMessageContaining("nam");
    // And the Gateway's: a misspelt field, which its model would let through, is refused there.
    assertThat(text(GATEWAY)).contains("certificateRefs:");
    assertThatThrownBy(() -> StrictKubernetes.parse(text(GATEWAY).replace("certificateRefs:", "certificateRef:"),
        NEIGHBOUR_KINDS)).hasMessageContaining("Gateway/shop: fields the Kubernetes API does not have there")
        .hasMessageContaining("certificateRef");

    var notRendered = CustomResourceValidation.validate(renderYaml(t -> t), List.of("--expect", "HTTPRoute"));
    assertThat(notRendered.exit()).as("a render without the HTTPRoute checks nothing").isEqualTo(1);
    assertThat(notRendered.output()).contains("no HTTPRoute found");
  }
}
