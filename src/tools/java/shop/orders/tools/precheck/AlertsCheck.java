package shop.orders.tools.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The alerts an event relies on are in ops/prometheus/alerts.yml, the chart ships the same file, promtool accepts
 * it, and the chart's PrometheusRule is on (or the rules reach Prometheus another way).
 */
final class AlertsCheck {
  /**
   * The alerts ops/runbook.md relies on during an event: pool, door, payments, Redis, disks, the order SLO, and the
   * one that says the others are blind (no metrics scraped: none of them can fire, and KEDA's demand trigger reads
   * nothing).
   */
  static final List<String> EVENT_ALERTS = List.of("OrderDbPoolSaturated", "OrderDbConnectionAcquisitionTimeouts",
      "OrderAdmissionRejectionsRising", "OrderDbLockOrStatementTimeouts", "PaymentGatewayBreakerOpen",
      "PaymentGatewayFailing", "PaymentReconciliationBacklog", "RedisRefusingWrites", "RedisBreakerOpen",
      "HostDiskAlmostFullDbOrRedis", "OrderApiErrorBudgetBurnFast", "OrderServiceNotScraped");
  static final String ALERTS = "ops/prometheus/alerts.yml";
  static final String CHART_RULES = "helm/order-service/files/prometheus-rules.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final int PROMTOOL_SECONDS = 60;

  private AlertsCheck() {
  }

  static List<Finding> findings(Path root, JsonNode values) throws Unusable {
    Path alerts = root.resolve(ALERTS);
    List<Finding> findings = new ArrayList<>();
    Set<String> names = names(alerts);
    List<String> missing = EVENT_ALERTS.stream().filter(name -> !names.contains(name)).toList();
    findings.add(missing.isEmpty()
        ? Finding.pass("the " + EVENT_ALERTS.size() + " alerts an event relies on are in " + ALERTS)
        : Finding.fail("missing from " + ALERTS + ": " + String.join(", ", missing)));
    findings.add(sameFile(alerts, root.resolve(CHART_RULES))
        ? Finding.pass("the chart's files/prometheus-rules.yaml is " + ALERTS)
        : Finding.fail(CHART_RULES + " differs from " + ALERTS + ": copy it so the chart ships the same rules"));
    findings.add(promtool(alerts));
    if (!values.at("/prometheusRule/enabled").booleanValue()) {
      findings.add(Finding.warn("prometheusRule.enabled is false: make sure Prometheus loads these rules another way"));
    }
    return findings;
  }

  private static Set<String> names(Path alerts) throws Unusable {
    try {
      Set<String> names = new HashSet<>();
      YAML.readTree(alerts.toFile()).path("groups")
          .forEach(group -> group.path("rules").forEach(rule -> names.add(rule.path("alert").asText())));
      return names;
    } catch (IOException e) {
      throw new Unusable(ALERTS + ": " + e.getMessage());
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isRegularFile(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    } catch (IOException e) {
      return false;
    }
  }

  private static Finding promtool(Path alerts) throws Unusable {
    Optional<Path> promtool = onPath("promtool");
    if (promtool.isEmpty()) {
      return Finding.warn("promtool not on PATH: rules not checked (apt-get install prometheus)");
    }
    try {
      Process process = new ProcessBuilder(promtool.get().toString(), "check", "rules", alerts.toString()).start();
      var out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(PROMTOOL_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new Unusable("promtool check rules did not finish within " + PROMTOOL_SECONDS + " s");
      }
      if (process.exitValue() == 0) {
        return Finding.pass("promtool check rules: SUCCESS");
      }
      List<String> said = (out.join() + err.join()).strip().lines().toList();
      return Finding.fail("promtool check rules failed: "
          + (said.isEmpty() ? "exit " + process.exitValue() : said.getLast()));
    } catch (IOException e) {
      throw new Unusable("promtool check rules did not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unusable("promtool check rules was interrupted");
    }
  }

  private static Optional<Path> onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, command))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
