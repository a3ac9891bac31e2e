package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shop.orders.testing.Promtool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.orders.ops.HelmChartRendering.SOURCE;
import static shop.orders.ops.HelmChartRendering.EVENT;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.render;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/**
 * The chart users install (helm/order-service), rendered by the real Helm engine: what it deploys and its capacity
 * guard. Conventions, security, validation and upgrades are in the other HelmChart*Tests.
 */
class HelmChartTests {
  @Test
  void theChartLintsCleanly() {
    var result = new Helm(SOURCE).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderAnAutoscaledHardenedDeployment() {
    var objects = render(t -> t);

    var hpa = only(objects, "HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(2);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(4);
    assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(60);
    assertThat(hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt()).isZero();
    assertThat(hpa.at("/spec/behavior/scaleUp/policies/0/periodSeconds").asInt()).isEqualTo(15);
    assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(300);
    var budget = only(objects, "PodDisruptionBudget");
    assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(budget.at("/spec/minAvailable").isMissingNode()).isTrue();
    assertThat(budget.at("/spec/unhealthyPodEvictionPolicy").asText()).isEqualTo("AlwaysAllow");

    var deployment = only(objects, "Deployment");
    var pod = deployment.at("/spec/template/spec");
    var container = pod.at("/containers/0");
    assertThat(deployment.at("/spec/replicas").isMissingNode()).as("the autoscaler owns replicas").isTrue();
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(container.path(probe).at("/httpGet/port").asText()).isEqualTo("management");
    }
    assertThat(container.at("/ports/1/containerPort").asInt()).isEqualTo(9000);
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("500m");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1Gi");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("lifecycle").isMissingNode()).as("the application drains by itself").isTrue();
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);

    var config = only(objects, "ConfigMap");
    assertThat(config.at("/data/QUARKUS_SHUTDOWN_DELAY").asText()).isEqualTo("5s");
    assertThat(config.at("/data/QUARKUS_SHUTDOWN_TIMEOUT").asText()).isEqualTo("20s");
    assertThat(config.at("/data/QUARKUS_DATASOURCE_JDBC_MAX_SIZE").asText()).isEqualTo("20");
    assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("ServiceMonitor"));
  }

  @Test
  void theBrokerComesFromTheSecretOrASecretOfItsOwn() {
    var defaults = render(t -> t);
    assertThat(only(defaults, "ConfigMap").at("/data/MESSAGING_EXCHANGE").asText()).isEqualTo("shop.orders");
    var container = only(defaults, "Deployment").at("/spec/template/spec/containers/0");
    assertThat(container.at("/envFrom/1/secretRef/name").asText()).as("one Secret per release")
        .isEqualTo("orders-order-service-secrets");
    assertThat(container.path("env").isMissingNode()).as("RABBITMQ_URL from the credentials Secret").isTrue();

    var own = render(t -> t.set("events.exchange", "shop.orders.eu")
        .set("events.brokerUrlSecret.name", "rabbitmq-default-user").set("events.brokerUrlSecret.key", "amqp-url"));
    assertThat(only(own, "ConfigMap").at("/data/MESSAGING_EXCHANGE").asText()).isEqualTo("shop.orders.eu");
    var env = only(own, "Deployment").at("/spec/template/spec/containers/0/env/0");
    assertThat(env.path("name").asText()).isEqualTo("RABBITMQ_URL");
    assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("rabbitmq-default-user");
    assertThat(env.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("amqp-url");
    assertThat(HelmChartRendering.strict(t -> t.set("events.brokerUrlSecret.name", "rabbitmq-default-user")
        .set("events.brokerUrlSecret.key", "amqp-url"))).as("typed Kubernetes objects").isNotEmpty();

    assertThatThrownBy(() -> render(t -> t.set("events.brokerUrlSecret.name", "rabbitmq-default-user")))
        .hasMessageContaining("brokerUrlSecret");
    assertThatThrownBy(() -> render(t -> t.set("events.exchange", "shop orders")))
        .hasMessageContaining("exchange");
  }

  @Test
  void theEventOverlayPrewarmsMorePods() {
    var objects = render(t -> t.withValuesFile(EVENT));

    var hpa = only(objects, "HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(4);
    assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(900);
    var config = only(objects, "ConfigMap");
    assertThat(config.at("/data/QUARKUS_DATASOURCE_JDBC_MIN_SIZE").asText())
        .isEqualTo(config.at("/data/QUARKUS_DATASOURCE_JDBC_MAX_SIZE").asText());
    assertThat(only(objects, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(3);
  }

  @Test
  void monitoringObjectsAreOptional() {
    var objects = render(t -> withMonitoringApi(t).set("serviceMonitor.enabled", "true").set("dashboard.enabled", "true"));

    assertThat(only(objects, "ServiceMonitor").at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    var dashboard = objects.stream().filter(o -> o.at("/metadata/name").asText().endsWith("-dashboard")).findFirst();
    assertThat(dashboard).get().satisfies(d -> {
      assertThat(d.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
      assertThat(d.path("data").size()).isOne();
      assertThat(d.path("data").elements().next().asText()).contains("agroal_awaiting_count");
    });
  }

  /**
   * The job Prometheus gives the ServiceMonitor's targets is the name of the Service it scrapes, the one with the
   * management port: the release's Service, or its own management Service when the API's is exposed outside the
   * cluster. The alerts, KEDA's demand query and the dashboard select that job.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ClusterIP", "LoadBalancer"})
  void theAlertsTheDemandTriggerAndTheDashboardSelectTheJobOfTheScrapedService(String type) throws Exception {
    var objects = render(t -> HelmChartRendering.withKeda(t.withNamespace("shop")).set("service.type", type)
        .set("prometheusRule.enabled", "true").set("dashboard.enabled", "true"));
    var endpoint = only(objects, "ServiceMonitor").at("/spec/endpoints/0/port").asText();
    var scraped = objects.stream().filter(o -> "Service".equals(o.path("kind").asText()))
        .filter(o -> o.at("/spec/ports").findValuesAsText("name").contains(endpoint)).toList();
    assertThat(scraped).as("Services with the port " + endpoint).hasSize(1);
    String job = scraped.getFirst().at("/metadata/name").asText();
    assertThat(job).isEqualTo(type.equals("ClusterIP") ? "orders-order-service" : "orders-order-service-management");
    String scope = "namespace=\"shop\",job=\"" + job + "\"";

    var rules = only(objects, "PrometheusRule").at("/spec/groups/0/rules");
    assertThat(rules.findValuesAsText("expr")).filteredOn(e -> e.contains("order-service"))
        .isNotEmpty().allSatisfy(e -> assertThat(e).contains(scope));
    assertThat(only(objects, "ScaledObject").at("/spec/triggers/1/metadata/query").asText())
        .contains("{" + scope + ",method=").contains("up{" + scope + "}");
    var configMap = objects.stream().filter(o -> o.at("/metadata/name").asText().endsWith("-dashboard")).findFirst()
        .orElseThrow();
    var dashboard = new ObjectMapper().readTree(configMap.path("data").elements().next().asText());
    List<String> constants = new ArrayList<>();
    dashboard.at("/templating/list").forEach(v -> {
      if (v.path("type").asText().equals("constant")) {
        constants.add(v.path("name").asText() + "=" + v.path("query").asText());
      }
    });
    assertThat(constants).containsExactly("namespace=shop", "job=" + job);
  }

  @Test
  void thePrometheusRuleCarriesTheAlertsOfOpsPrometheus() {
    var rule = only(render(t -> withMonitoringApi(t).set("prometheusRule.enabled", "true")), "PrometheusRule");
    List<String> alerts = new ArrayList<>();
    rule.at("/spec/groups/0/rules").forEach(r -> alerts.add(r.path("alert").asText()));
    assertThat(alerts).contains("OrderDbPoolSaturated", "PaymentGatewayBreakerOpen", "HostDiskAlmostFullDbOrRedis");
  }

  @Test
  void thePrometheusRuleAsRenderedPassesPromtool(@TempDir Path dir) throws Exception {
    var rule = only(render(t -> withMonitoringApi(t).set("prometheusRule.enabled", "true")), "PrometheusRule");
    Path rules = dir.resolve("rules.yaml");
    new ObjectMapper(new YAMLFactory()).writeValue(rules.toFile(), rule.path("spec"));
    assertThat(Promtool.run(dir, "check", "rules", "rules.yaml")).contains("SUCCESS");
  }

  @Test
  void podsDrainWithinTheirGracePeriod() {
    var objects = render(t -> t.set("shutdown.delaySeconds", "10").set("shutdown.timeoutSeconds", "45")
        .set("terminationGracePeriodSeconds", "60"));
    var config = only(objects, "ConfigMap");
    assertThat(config.at("/data/QUARKUS_SHUTDOWN_DELAY").asText()).isEqualTo("10s");
    assertThat(config.at("/data/QUARKUS_SHUTDOWN_TIMEOUT").asText()).isEqualTo("45s");
    var pod = only(objects, "Deployment").at("/spec/template/spec");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(60);
    assertThat(pod.at("/containers/0/lifecycle").isMissingNode()).isTrue();
    // Exactly the delay, the timeout and 5 s of margin: accepted.
    assertThat(render(t -> t.set("shutdown.timeoutSeconds", "40").set("terminationGracePeriodSeconds", "50")))
        .isNotEmpty();

    assertThatThrownBy(() -> render(t -> t.set("shutdown.timeoutSeconds", "40")))
        .hasMessageContaining("terminationGracePeriodSeconds 30 is shorter than shutdown.delaySeconds 5"
            + " + shutdown.timeoutSeconds 40 + 5 s of margin = 50")
        .hasMessageContaining("Raise terminationGracePeriodSeconds to 50");
    assertThatThrownBy(() -> render(t -> t.set("terminationGracePeriodSeconds", "29")))
        .hasMessageContaining("terminationGracePeriodSeconds 29 is shorter than shutdown.delaySeconds 5"
            + " + shutdown.timeoutSeconds 20 + 5 s of margin = 30");
  }

  @Test
  void aReadReplicaIsConfiguredOnlyWhenItsAddressIsGivenAndItsPoolsMustFitAStandby() {
    var config = only(render(t -> t), "ConfigMap").at("/data");
    assertThat(config.has("DB_REPLICA_URL")).as("no replica: every read on the primary").isFalse();

    var replica = only(render(t -> t.set("database.readReplica.url", "jdbc:postgresql://orders-db-ro:5432/orders")
        .set("database.readReplica.maxLag", "PT1.5S")), "ConfigMap").at("/data");
    assertThat(replica.at("/DB_REPLICA_URL").asText()).isEqualTo("jdbc:postgresql://orders-db-ro:5432/orders");
    assertThat(replica.at("/DB_REPLICA_MAX_LAG").asText()).isEqualTo("PT1.5S");
    assertThat(replica.at("/DB_REPLICA_POOL_MAX").asText()).isEqualTo("10");

    assertThatThrownBy(() -> render(t -> t.set("database.readReplica.url", "jdbc:postgresql://orders-db-ro/orders")
        .set("database.readReplica.poolMaxSize", "30")))
        .hasMessageContaining("capacity guard")
        .hasMessageContaining("4 pods x database.readReplica.poolMaxSize 30 = 120 connections to a standby");
    assertThatThrownBy(() -> render(t -> t.set("database.readReplica.url", "postgres://orders-db-ro/orders")))
        .hasMessageContaining("readReplica");
  }

  @Test
  void moreConnectionsThanTheDatabaseAllowsAreRefusedWithTheNumbersToChange() {
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.maxReplicas", "10")))
        .hasMessageContaining("capacity guard")
        .hasMessageContaining("10 pods x database.pool.maxSize 20 = 200 connections")
        .hasMessageContaining("budget of 90")
        .hasMessageContaining("autoscaling.maxReplicas");
    assertThatThrownBy(() -> render(t -> t.withValuesFile(EVENT).set("database.maxConnections", "60")))
        .hasMessageContaining("capacity guard");
  }

  @Test
  void theGuardCountsFixedReplicasWhenAutoscalingIsOff() {
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "5")))
        .hasMessageContaining("5 pods");
    assertThat(only(render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3")), "Deployment")
        .at("/spec/replicas").asInt()).isEqualTo(3);
  }

  @Test
  void podsAreReplacedOneAtATimeByDefaultSoARolloutAddsNoPool() {
    var strategy = only(render(t -> t), "Deployment").at("/spec/strategy");
    assertThat(strategy.path("type").asText()).isEqualTo("RollingUpdate");
    assertThat(strategy.at("/rollingUpdate/maxSurge").asText()).isEqualTo("0");
    assertThat(strategy.at("/rollingUpdate/maxUnavailable").asText()).isEqualTo("1");
  }

  @Test
  void theGuardCountsThePodsARolloutAddsAsKubernetesRoundsThem() {
    // Kubernetes' default surge of 25%: 4 pods x 20 = 80 fits the budget of 90, the rollout's fifth pod does not.
    assertThatThrownBy(() -> render(t -> t.set("rollout.maxSurge", "25%")))
        .hasMessageContaining("capacity guard: a rollout runs 4 pods + rollout.maxSurge 25% (1 more) = 5 pods"
            + " x database.pool.maxSize 20 = 100 connections, over the database budget of 90")
        .hasMessageContaining("Set rollout.maxSurge 0");
    // A percentage of maxSurge is rounded up: 10% of 4 pods is one more pod, not none.
    assertThatThrownBy(() -> render(t -> t.set("rollout.maxSurge", "10%")))
        .hasMessageContaining("rollout.maxSurge 10% (1 more) = 5 pods");
    assertThatThrownBy(() -> render(t -> t.set("autoscaling.enabled", "false").set("replicaCount", "3")
        .set("rollout.maxSurge", "2")))
        .hasMessageContaining("a rollout runs 3 pods + rollout.maxSurge 2 (2 more) = 5 pods")
        .hasMessageContaining("lower replicaCount");
    // Where the budget has room for it, a surge is kept as given.
    var strategy = only(render(t -> t.set("autoscaling.maxReplicas", "3").set("rollout.maxSurge", "1")
        .set("rollout.maxUnavailable", "0")), "Deployment").at("/spec/strategy/rollingUpdate");
    assertThat(strategy.path("maxSurge").asInt()).isEqualTo(1);
    assertThat(strategy.path("maxUnavailable").asInt()).isZero();
  }

  @Test
  void aRolloutThatCouldNeverStartIsRefused() {
    assertThatThrownBy(() -> render(t -> t.set("rollout.maxUnavailable", "0%")))
        .hasMessageContaining("rollout.maxSurge 0 and rollout.maxUnavailable 0% are both 0");
  }

  @Test
  void poolsOpenedUpFrontMustLeaveRoomForThePodBeingReplaced() {
    // The overlay as it was: 4 x 20 = 80 fits, but a deploy during the sale adds a fifth pool of 20 opened at start.
    assertThatThrownBy(() -> render(t -> t.withValuesFile(EVENT).set("database.pool.maxSize", "20")
        .set("database.pool.minSize", "20")))
        .hasMessageContaining("capacity guard: during a rollout 4 pods hold database.pool.maxSize 20")
        .hasMessageContaining("while 1 new pods (rollout.maxSurge 0 + rollout.maxUnavailable 1) open"
            + " database.pool.minSize 20 at start: 4 x 20 + 1 x 20 = 100 connections, over the database budget of 90")
        .hasMessageContaining("Lower database.pool.minSize");
    // The defaults open 10 at start: 4 x 20 + 1 x 10 = 90 fits.
    assertThat(render(t -> t)).isNotEmpty();
  }

  @Test
  void aDeployDuringTheSaleFitsTheBudgetWithTheEventOverlay() {
    // During a rollout the pod being replaced keeps its connections until it has stopped (shutdown delay and
    // timeout, up to 25 s) while its replacement opens its pool (minSize = maxSize in the overlay): maxReplicas + maxSurge +
    // maxUnavailable pods may hold a full pool at once.
    var objects = render(t -> t.withValuesFile(EVENT));
    int pods = only(objects, "HorizontalPodAutoscaler").at("/spec/maxReplicas").asInt();
    var strategy = only(objects, "Deployment").at("/spec/strategy/rollingUpdate");
    assertThat(strategy.isMissingNode()).as("without one, Kubernetes surges by 25%").isFalse();
    int duringRollout = pods + strategy.path("maxSurge").asInt() + strategy.path("maxUnavailable").asInt();
    var config = only(objects, "ConfigMap");
    int pool = config.at("/data/QUARKUS_DATASOURCE_JDBC_MAX_SIZE").asInt();
    assertThat(config.at("/data/QUARKUS_DATASOURCE_JDBC_MIN_SIZE").asInt()).isEqualTo(pool);
    assertThat(duringRollout * pool).as("%d pods x %d connections during a rollout", duringRollout, pool)
        .isLessThanOrEqualTo(100 - 10);
  }
}
