package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.ops.HelmChartRendering.CHART;
import static shop.orders.ops.HelmChartRendering.objects;
import static shop.orders.ops.HelmChartRendering.renderYaml;

/**
 * The Grafana dashboard in ops/grafana: a dashboard model on the ${datasource} variable, every panel with a query
 * that Prometheus accepts (checked by promtool as recording rules), a description and a unit, the flash-sale areas
 * covered, and the chart ships the same file. Needs promtool (Debian package prometheus; .ci/run installs it).
 */
class DashboardTests {
  private static final Path DASHBOARD = Path.of("ops/grafana/order-service.json");
  private static final Path CHART_COPY = Path.of("helm/order-service/files/dashboard.json");
  private static final String DATASOURCE = "${datasource}";
  /** Grafana's own variables, replaced by values Prometheus accepts. */
  private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
      "__rate_interval", "5m", "__interval", "1m", "__range", "1h");
  private static final Pattern RUNBOOK_LINK = Pattern.compile("ops/runbook\\.md#([a-z0-9-]+)");
  private static final String ONE_DEPLOYMENT = "app=\"order-service\",namespace=\"$namespace\",job=\"$job\"";

  @TempDir
  Path tmp;

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every panel that shows data, including those nested in rows; rows themselves are not panels here. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> {
      if (panel.path("type").asText().equals("row")) {
        panel.path("panels").forEach(panels::add);
      } else {
        panels.add(panel);
      }
    });
    return panels;
  }

  private static List<String> expressions(JsonNode dashboard) {
    List<String> expressions = new ArrayList<>();
    panels(dashboard).forEach(panel -> panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));
    return expressions;
  }

  /** The expression as Prometheus would receive it: Grafana's variables and the dashboard's replaced. */
  private static String concrete(String expr, JsonNode dashboard) {
    Map<String, String> values = new LinkedHashMap<>(GRAFANA_VARIABLES);
    dashboard.at("/templating/list").forEach(v -> {
      if (!v.path("type").asText().equals("datasource")) {
        values.put(v.path("name").asText(), v.path("allValue").asText(".*"));
      }
    });
    String result = expr;
    for (var variable : values.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, String> e) -> e.getKey().length()).reversed()).toList()) {
      result = result.replace("${" + variable.getKey() + "}", variable.getValue())
          .replace("$" + variable.getKey(), variable.getValue());
    }
    assertThat(result).as("a variable the dashboard does not define in " + expr).doesNotContain("$");
    return result;
  }

  @Test
  void theDashboardIsAGrafanaModelOnTheDatasourceVariable() throws IOException {
    var dashboard = dashboard();

    assertThat(dashboard.path("uid").asText()).isEqualTo("order-service");
    assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
    var datasource = new ArrayList<JsonNode>();
    dashboard.at("/templating/list").forEach(v -> {
      if (v.path("name").asText().equals("datasource")) {
        datasource.add(v);
      }
    });
    assertThat(datasource).singleElement().satisfies(v -> {
      assertThat(v.path("type").asText()).isEqualTo("datasource");
      assertThat(v.path("query").asText()).isEqualTo("prometheus");
    });
    assertThat(panels(dashboard)).isNotEmpty().allSatisfy(panel -> {
      String title = panel.path("title").asText();
      assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE);
      panel.path("targets").forEach(t -> assertThat(t.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE));
    });
    List<Integer> ids = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      ids.add(p.path("id").asInt());
      p.path("panels").forEach(nested -> ids.add(nested.path("id").asInt()));
    });
    assertThat(ids).as("panel ids").doesNotHaveDuplicates();
  }

  @Test
  void everyPanelSaysWhatItShowsWhatToDoAndInWhichUnit() throws IOException {
    var dashboard = dashboard();
    String runbook = Files.readString(Path.of("ops/runbook.md"));

    assertThat(panels(dashboard)).allSatisfy(panel -> {
      String title = panel.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(panel.path("description").asText()).as(title + " description").isNotBlank();
      assertThat(panel.at("/fieldConfig/defaults/unit").asText()).as(title + " unit").isNotBlank();
      assertThat(panel.path("targets")).as(title + " targets").isNotEmpty()
          .allSatisfy(t -> assertThat(t.path("expr").asText()).as(title + " expr").isNotBlank());
      var links = RUNBOOK_LINK.matcher(panel.path("description").asText());
      while (links.find()) {
        assertThat(runbook).as(title + " links runbook section " + links.group(1)).contains("## " + links.group(1));
      }
    });
  }

  @Test
  void everyExpressionIsValidPromQl() throws Exception {
    var dashboard = dashboard();
    List<Map<String, String>> rules = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        rules.add(Map.of(
            "record", "dashboard:panel_" + panel.path("id").asInt() + ":" + target.path("refId").asText().toLowerCase(),
            "expr", concrete(target.path("expr").asText(), dashboard)));
      }
    }
    var file = tmp.resolve("dashboard-rules.yml");
    new ObjectMapper(new YAMLFactory())
        .writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));

    assertThat(Promtool.run(tmp, "check", "rules", file.getFileName().toString()))
        .contains("SUCCESS: " + rules.size() + " rules found");
  }

  @Test
  void theDashboardCoversPoolAdmissionRedisGatewayAndOrderLatency() throws IOException {
    var dashboard = dashboard();
    List<String> rows = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      if (p.path("type").asText().equals("row")) {
        rows.add(p.path("title").asText());
      }
    });
    List<String> expressions = expressions(dashboard);

    assertThat(rows).containsExactly("Traffic & orders", "Database pool", "Admission & overload", "Redis",
        "Payment gateway", "Stock / flash sale");
    for (String metric : List.of("agroal_awaiting_count", "admission_rejected_total", "ft_circuitbreaker_state_total_seconds",
        "redis_command_errors_total", "redis_memory_used_bytes", "node_filesystem_avail_bytes")) {
      assertThat(expressions).as(metric).anyMatch(e -> e.contains(metric));
    }
    assertThat(expressions).as("order p99").anyMatch(e -> e.startsWith("histogram_quantile(0.99,")
        && e.contains("http_server_requests_seconds_bucket{") && e.contains("uri=\"/api/orders\"")
        && e.contains("method=\"POST\""));
    assertThat(expressions).as("every meter of the service selected by app")
        .filteredOn(e -> e.contains("agroal_") || e.contains("http_server_") || e.contains("orders_"))
        .allMatch(e -> e.contains("app=\"order-service\""));
    assertThat(expressions).as("every selector of the service's meters holds one deployment: namespace and job")
        .allSatisfy(e -> assertThat(e.split("app=\"order-service\"", -1).length)
            .isEqualTo(e.split(Pattern.quote(ONE_DEPLOYMENT), -1).length));
  }

  @Test
  void theDashboardShowsOneDeploymentPickedByNamespaceAndJob() throws IOException {
    var variables = new LinkedHashMap<String, JsonNode>();
    dashboard().at("/templating/list").forEach(v -> variables.put(v.path("name").asText(), v));

    assertThat(variables.keySet()).containsExactly("datasource", "namespace", "job", "pod", "redis");
    for (String name : List.of("namespace", "job")) {
      JsonNode v = variables.get(name);
      assertThat(v.path("type").asText()).as(name).isEqualTo("query");
      assertThat(v.path("multi").asBoolean()).as(name + ": one deployment at a time").isFalse();
      assertThat(v.path("includeAll").asBoolean()).as(name).isFalse();
      assertThat(v.at("/query/query").asText()).as(name)
          .startsWith("label_values(agroal_active_count{app=\"order-service\"").endsWith(", " + name + ")");
    }
    assertThat(variables.get("job").at("/query/query").asText()).contains("namespace=\"$namespace\"");
    assertThat(variables.get("pod").at("/query/query").asText()).contains(ONE_DEPLOYMENT);
  }

  /**
   * Two releases in one Grafana (the sidecar writes every labelled ConfigMap's keys into one folder): each dashboard
   * has its own uid, title and file name, and is held to its release's namespace and job; its panels are the file's.
   */
  @ParameterizedTest(name = "{0}/{1} and {2}/{3}")
  @CsvSource({"staging, orders, production, orders", "shop, orders, shop, orders-canary"})
  void everyReleaseInstallsADashboardOfItsOwn(String namespace, String name, String otherNamespace, String otherName)
      throws IOException {
    var one = chartDashboard(namespace, name);
    var other = chartDashboard(otherNamespace, otherName);

    for (var release : List.of(Map.entry(namespace + "/" + name, one), Map.entry(otherNamespace + "/" + otherName, other))) {
      String[] parts = release.getKey().split("/");
      String job = parts[1].contains("order-service") ? parts[1] : parts[1] + "-order-service";
      var dashboard = release.getValue().getValue();
      String uid = dashboard.path("uid").asText();
      assertThat(uid).as("a Grafana uid").matches("[a-zA-Z0-9_-]{1,40}").startsWith(parts[0] + "-" + parts[1] + "-");
      assertThat(release.getValue().getKey()).as("the sidecar's file").isEqualTo(uid + ".json");
      assertThat(dashboard.path("title").asText()).isEqualTo("order-service (" + release.getKey() + ")");
      var pinned = new LinkedHashMap<String, JsonNode>();
      dashboard.at("/templating/list").forEach(v -> pinned.put(v.path("name").asText(), v));
      assertThat(pinned.keySet()).containsExactly("datasource", "namespace", "job", "pod", "redis");
      for (var variable : Map.of("namespace", parts[0], "job", job).entrySet()) {
        JsonNode v = pinned.get(variable.getKey());
        assertThat(v.path("type").asText()).as(variable.getKey()).isEqualTo("constant");
        assertThat(v.path("query").asText()).as(variable.getKey()).isEqualTo(variable.getValue());
        assertThat(v.at("/current/value").asText()).as(variable.getKey()).isEqualTo(variable.getValue());
        assertThat(v.path("hide").asInt()).as(variable.getKey() + " hidden").isEqualTo(2);
      }
      assertThat(dashboard.path("panels")).isEqualTo(dashboard().path("panels"));
    }
    assertThat(one.getValue().path("uid")).isNotEqualTo(other.getValue().path("uid"));
    assertThat(one.getValue().path("title")).isNotEqualTo(other.getValue().path("title"));
  }

  @Test
  void theUidFitsGrafanasFortyCharactersForTheLongestNames() throws IOException {
    String namespace = "flash-sale-" + "x".repeat(52);
    var one = chartDashboard(namespace, "orders").getValue().path("uid").asText();
    var other = chartDashboard(namespace, "orders-canary").getValue().path("uid").asText();
    var swapped = chartDashboard("flash-sale", "x".repeat(42)).getValue().path("uid").asText();

    assertThat(List.of(one, other, swapped)).allSatisfy(uid -> assertThat(uid).matches("[a-zA-Z0-9_-]{1,40}"))
        .doesNotHaveDuplicates();
    assertThat(one).as("cut, with the hash that tells them apart").hasSize(40).startsWith("flash-sale-xxx");
  }

  /** The dashboard ConfigMap release {@code name} renders in {@code namespace}: its one key and that key's JSON. */
  private static Map.Entry<String, JsonNode> chartDashboard(String namespace, String name) throws IOException {
    var config = objects(renderYaml(CHART, name, t -> t.withNamespace(namespace).set("dashboard.enabled", "true")))
        .stream().filter(o -> o.at("/metadata/name").asText().endsWith("-dashboard")).findFirst().orElseThrow();
    var keys = new ArrayList<String>();
    config.path("data").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).hasSize(1);
    return Map.entry(keys.getFirst(), new ObjectMapper().readTree(config.path("data").path(keys.getFirst()).asText()));
  }

  @Test
  void theChartShipsTheSameDashboard() throws IOException {
    assertThat(Files.mismatch(CHART_COPY, DASHBOARD)).as(CHART_COPY + " is a copy of " + DASHBOARD).isEqualTo(-1L);
  }
}
