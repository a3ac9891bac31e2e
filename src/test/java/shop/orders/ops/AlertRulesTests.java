package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Promtool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules in ops/prometheus: valid for Prometheus, each alert tested firing and quiet by promtool, each
 * linked to a section of the runbook, and the chart ships the same rules. Needs promtool (Debian package
 * prometheus; .ci/run installs it).
 */
class AlertRulesTests {
  private static final Path RULES = Path.of("ops/prometheus/alerts.yml");

  private static String promtool(String... args) throws IOException, InterruptedException {
    return Promtool.run(RULES.getParent(), args);
  }

  @Test
  void rulesAreValidAndEveryAlertPassesItsTests() throws Exception {
    assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
    assertThat(promtool("test", "rules", "alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void everyAlertIsTestedAndLinksAnExistingRunbookSection() throws IOException {
    var yaml = new ObjectMapper(new YAMLFactory());
    String runbook = Files.readString(Path.of("ops/runbook.md"));
    String tests = Files.readString(Path.of("ops/prometheus/alerts.test.yml"));
    List<JsonNode> rules = new ArrayList<>();
    yaml.readTree(RULES.toFile()).at("/groups/0/rules").forEach(rules::add);

    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      String name = rule.path("alert").asText();
      assertThat(tests).as(name + " is tested").contains("alertname: " + name);
      String url = rule.at("/annotations/runbook_url").asText();
      assertThat(url).as(name).contains("ops/runbook.md#");
      assertThat(runbook).as(name + " runbook section").contains("## " + url.substring(url.indexOf('#') + 1));
      assertThat(rule.at("/annotations/summary").asText()).as(name).isNotBlank();
    });
  }

  @Test
  void theChartShipsTheSameRules() throws IOException {
    assertThat(Files.readString(Path.of("helm/order-service/files/prometheus-rules.yaml")))
        .isEqualTo(Files.readString(RULES));
  }
}
