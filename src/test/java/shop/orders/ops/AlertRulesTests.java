package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shop.orders.testing.Promtool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.ops.HelmChartRendering.CHART;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.only;
import static shop.orders.ops.HelmChartRendering.renderYaml;
import static shop.orders.ops.HelmChartRendering.withMonitoringApi;

/**
 * The alert rules in ops/prometheus: valid for Prometheus, each alert tested firing and quiet by promtool, each
 * linked to a section of the runbook, and the chart ships the same rules, scoped to each release: every test of
 * alerts.test.yml replayed with its series in one release's namespace, against the rules two releases render, fires
 * for that release alone and once. Needs promtool (Debian package prometheus; .ci/run installs it).
 */
class AlertRulesTests {
  private static final Path RULES = Path.of("ops/prometheus/alerts.yml");
  private static final Path TESTS = Path.of("ops/prometheus/alerts.test.yml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The runbook's address in ops/prometheus (a placeholder the chart replaces with prometheusRule.runbookBaseUrl). */
  private static final String RUNBOOK = "https://git.example.com/shop/order-service/blob/main/ops/runbook.md";
  /** Where the releases rendered here say their runbook is. */
  private static final String RELEASE_RUNBOOK = "https://runbooks.shop.example/order-service/runbook.md";
  /** An aggregation and its by clause, if any. */
  private static final Pattern AGGREGATION = Pattern.compile(
      "\\b(sum|max|min|avg|count|topk|bottomk|quantile)\\s*(by\\s*\\(([^)]*)\\))?\\s*\\(");

  @TempDir
  Path tmp;

  private static String promtool(String... args) throws IOException, InterruptedException {
    return Promtool.run(RULES.getParent(), args);
  }

  private static List<JsonNode> rules(JsonNode groups) {
    List<JsonNode> rules = new ArrayList<>();
    groups.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  @Test
  void rulesAreValidAndEveryAlertPassesItsTests() throws Exception {
    assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
    assertThat(promtool("test", "rules", "alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void everyAlertIsTestedAndLinksAnExistingRunbookSection() throws IOException {
    String runbook = Files.readString(Path.of("ops/runbook.md"));
    String tests = Files.readString(TESTS);
    List<JsonNode> rules = rules(YAML.readTree(RULES.toFile()));

    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      String name = rule.path("alert").asText();
      assertThat(tests).as(name + " is tested").contains("alertname: " + name);
      String url = rule.at("/annotations/runbook_url").asText();
      assertThat(url).as(name + ": a URL of a section of ops/runbook.md").startsWith(RUNBOOK + "#");
      assertThat(runbook).as(name + " runbook section").contains("## " + url.substring(url.indexOf('#') + 1));
      assertThat(rule.at("/annotations/summary").asText()).as(name).isNotBlank();
      assertThat(rule.at("/labels/severity").asText()).as(name + " severity").isIn("critical", "warning");
    });
  }

  @Test
  void everyAggregationKeepsTheNamespaceAndJobOfWhatItReads() throws IOException {
    List<JsonNode> rules = rules(YAML.readTree(RULES.toFile()));
    assertThat(rules).allSatisfy(rule -> {
      var aggregation = AGGREGATION.matcher(rule.path("expr").asText());
      while (aggregation.find()) {
        assertThat(aggregation.group(3)).as(rule.path("alert").asText() + ": " + aggregation.group())
            .isNotNull().contains("namespace").contains("job");
      }
    });
    assertThat(rules).filteredOn(r -> r.path("alert").asText().equals("OrderServiceNotScraped")).singleElement()
        .satisfies(rule -> {
          assertThat(rule.path("expr").asText()).contains("absent(up{job=\"order-service\"})");
          assertThat(rule.path("for").asText()).isEqualTo("5m");
          assertThat(rule.at("/labels/severity").asText()).isEqualTo("critical");
        });
  }

  @Test
  void theChartShipsTheSameRules() throws IOException {
    assertThat(Files.readString(Path.of("helm/order-service/files/prometheus-rules.yaml")))
        .isEqualTo(Files.readString(RULES));
  }

  @Test
  void theChartScopesEverySelectorOfTheServiceToTheRelease() throws IOException {
    String standalone = Files.readString(RULES);
    JsonNode spec = prometheusRule(new Release("shop", "orders"), tmp);
    List<JsonNode> rules = rules(spec);
    assertThat(rules).hasSameSizeAs(rules(YAML.readTree(RULES.toFile())));

    String app = "app=\"order-service\"";
    String scoped = app + ",namespace=\"shop\",job=\"orders-order-service\"";
    String exprs = String.join("\n", rules.stream().map(r -> r.path("expr").asText()).toList());
    assertThat(count(exprs, scoped)).as("selectors scoped to the release")
        .isEqualTo(count(exprs, app)).isEqualTo(count(standalone, app)).isGreaterThan(20);
    assertThat(exprs).doesNotContain("job=\"order-service\"")
        .contains("absent(up{namespace=\"shop\",job=\"orders-order-service\"})")
        .contains("role=~\"postgres|redis\",env=\"shop-orders\"");
    assertThat(rules).allSatisfy(rule -> assertThat(rule.at("/annotations/runbook_url").asText())
        .as(rule.path("alert").asText()).startsWith(RELEASE_RUNBOOK + "#"));
  }

  /**
   * Every test of alerts.test.yml, with its series moved into one release's namespace and job, against the rules of
   * that release and of another one (same Prometheus): each alert fires as the test expects, labelled with its
   * release, and exactly once. The other release's rules, whose namespace has only an answering target, stay quiet:
   * a second alert would fail the test.
   */
  @ParameterizedTest(name = "{0}/{1} and {2}/{3}")
  @CsvSource(textBlock = """
      staging,    orders, production, orders
      production, orders, staging,    orders
      shop,       orders, shop,       orders-canary
      shop,       orders-canary, shop, orders
      """)
  void everyAlertFiresForItsOwnReleaseOnlyAndOnce(String namespace, String name, String otherNamespace,
      String otherName) throws Exception {
    var release = new Release(namespace, name);
    var other = new Release(otherNamespace, otherName);
    writeRules(release, "release.yml");
    writeRules(other, "other.yml");

    ObjectNode tests = (ObjectNode) YAML.readTree(TESTS.toFile());
    tests.putArray("rule_files").add("release.yml").add("other.yml");
    ArrayNode replayed = YAML.createArrayNode();
    int alertsExpected = 0;
    for (JsonNode test : tests.path("tests")) {
      if (test.toString().contains("namespace=")) {
        continue; // the tests of the standalone rules' own scoping: their series name their namespaces already
      }
      ObjectNode copy = test.deepCopy();
      copy.put("name", test.path("name").asText() + " (in " + release + ")");
      ArrayNode series = (ArrayNode) copy.path("input_series");
      series.forEach(s -> ((ObjectNode) s).put("series", release.moveIntoRelease(s.path("series").asText())));
      series.addObject().put("series", "up{" + other.selector() + ",instance=\"10.9.9.9:9000\"}").put("values", "1x600");
      for (JsonNode check : copy.path("alert_rule_test")) {
        String alert = check.path("alertname").asText();
        for (JsonNode expected : check.path("exp_alerts")) {
          alertsExpected++;
          var labels = (ObjectNode) expected.path("exp_labels");
          if (alert.equals("HostDiskAlmostFullDbOrRedis")) {
            labels.put("env", release.key());
          } else {
            labels.put("namespace", release.namespace()).put("job", release.job());
          }
          var annotations = (ObjectNode) expected.path("exp_annotations");
          annotations.put("runbook_url", annotations.path("runbook_url").asText().replace(RUNBOOK, RELEASE_RUNBOOK));
          annotations.put("summary", annotations.path("summary").asText()
              .replace("(job order-service)", "(job " + release.job() + ", namespace " + release.namespace() + ")"));
        }
      }
      replayed.add(copy);
    }
    tests.set("tests", replayed);
    YAML.writeValue(tmp.resolve("replay.test.yml").toFile(), tests);

    assertThat(replayed.size()).as("tests replayed").isGreaterThan(30);
    assertThat(alertsExpected).as("alerts expected to fire").isGreaterThan(20);
    assertThat(Promtool.run(tmp, "test", "rules", "replay.test.yml")).contains("SUCCESS");
  }

  /**
   * Two releases, one Prometheus, both with trouble at once: each release's rules raise the alert for its own pods,
   * and a release Prometheus does not scrape pages for that release alone.
   */
  @Test
  void twoReleasesInTwoNamespacesRaiseTheirOwnAlertsAndNotEachOthers() throws Exception {
    var staging = new Release("staging", "orders");
    var production = new Release("production", "orders");
    writeRules(staging, "staging.yml");
    writeRules(production, "production.yml");
    String url = RELEASE_RUNBOOK + "#";
    Files.writeString(tmp.resolve("two.test.yml"), """
        rule_files: [staging.yml, production.yml]
        evaluation_interval: 1m
        tests:
          - name: both pools saturated at once, each release's rules page for their own pods
            interval: 1m
            input_series:
              - series: 'up{namespace="staging",job="orders-order-service",instance="10.0.0.1:9000"}'
                values: '1x20'
              - series: 'up{namespace="production",job="orders-order-service",instance="10.0.1.1:9000"}'
                values: '1x20'
              - series: 'agroal_awaiting_count{app="order-service",namespace="staging",job="orders-order-service",pod="orders-order-service-a"}'
                values: '0 3 3 3 3'
              - series: 'agroal_awaiting_count{app="order-service",namespace="production",job="orders-order-service",pod="orders-order-service-b"}'
                values: '0 5 5 5 5'
              - series: 'outbox_lag_seconds{app="order-service",namespace="staging",job="orders-order-service",pod="orders-order-service-a"}'
                values: '600x20'
              - series: 'outbox_lag_seconds{app="order-service",namespace="production",job="orders-order-service",pod="orders-order-service-b"}'
                values: '0x20'
            alert_rule_test:
              - eval_time: 4m
                alertname: OrderDbPoolSaturated
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: staging, job: orders-order-service, pod: orders-order-service-a}
                    exp_annotations:
                      summary: "Database connection pool saturated on orders-order-service-a: requests are waiting for a connection"
                      description: "Every pooled connection is busy or requests queue for one. Orders will be refused with 503."
                      runbook_url: "%1$sdb-pool-saturated"
                  - exp_labels: {severity: critical, namespace: production, job: orders-order-service, pod: orders-order-service-b}
                    exp_annotations:
                      summary: "Database connection pool saturated on orders-order-service-b: requests are waiting for a connection"
                      description: "Every pooled connection is busy or requests queue for one. Orders will be refused with 503."
                      runbook_url: "%1$sdb-pool-saturated"
              - eval_time: 8m
                alertname: OrderEventsNotPublished
                exp_alerts:
                  - exp_labels: {severity: warning, namespace: staging, job: orders-order-service}
                    exp_annotations:
                      summary: "Order events wait 10m 0s in the outbox: the broker is down or refuses them; orders go on, other systems learn of them late"
                      runbook_url: "%1$sorder-events-not-published"
              - eval_time: 8m
                alertname: OrderServiceNotScraped
                exp_alerts: []
          - name: production not scraped (its ServiceMonitor not selected by the Prometheus), staging scraped
            interval: 1m
            input_series:
              - series: 'up{namespace="staging",job="orders-order-service",instance="10.0.0.1:9000"}'
                values: '1x20'
            alert_rule_test:
              - eval_time: 4m
                alertname: OrderServiceNotScraped
                exp_alerts: []
              - eval_time: 6m
                alertname: OrderServiceNotScraped
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: production, job: orders-order-service}
                    exp_annotations:
                      summary: "Prometheus gets no metrics from order-service (job orders-order-service, namespace production): no target is scraped, or none answers; the service's other alerts cannot fire"
                      description: "Every other alert of the service and KEDA's demand trigger read nothing until it is scraped again."
                      runbook_url: "%1$sservice-not-scraped"
        """.formatted(url));

    assertThat(Promtool.run(tmp, "test", "rules", "two.test.yml")).contains("SUCCESS");
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  private void writeRules(Release release, String file) throws IOException {
    YAML.writeValue(tmp.resolve(file).toFile(), prometheusRule(release, tmp));
  }

  /** The spec (groups) of the PrometheusRule the release renders, runbook and hosts of its own. */
  private static JsonNode prometheusRule(Release release, Path dir) throws IOException {
    Path values = Files.writeString(dir.resolve(release.key() + "-values.yaml"), """
        prometheusRule:
          enabled: true
          runbookBaseUrl: %s
          hostDiskSelector: 'role=~"postgres|redis",env="%s"'
        """.formatted(RELEASE_RUNBOOK, release.key()));
    String manifests = renderYaml(CHART, release.name(),
        t -> withMonitoringApi(t.withNamespace(release.namespace())).withValuesFile(values));
    return only(objects(manifests), "PrometheusRule").path("spec");
  }

  /** A release of the chart: its namespace and name; its job is the Service's name. */
  private record Release(String namespace, String name) {
    String job() {
      return name.contains("order-service") ? name : name + "-order-service";
    }

    String key() {
      return namespace + "-" + name;
    }

    String selector() {
      return "namespace=\"" + namespace + "\",job=\"" + job() + "\"";
    }

    /** A series of alerts.test.yml as this release's targets would carry it; node_exporter's marked as its hosts. */
    String moveIntoRelease(String series) {
      if (series.startsWith("node_")) {
        return series.replaceFirst("\\{", "{env=\"" + key() + "\",");
      }
      return series.replace("up{job=\"order-service\"", "up{" + selector())
          .replace("app=\"order-service\"", "app=\"order-service\"," + selector());
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }
}
