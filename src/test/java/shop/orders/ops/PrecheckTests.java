package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.orders.tools.autoscaling.RenderedChart;
import shop.orders.tools.precheck.Precheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/precheck, the pre-event GO / NO-GO check (shop.orders.tools.precheck.Precheck), run as an SRE runs it: on the
 * chart's values (and overlays written here) with load-test results written to a temporary directory. The checks run
 * in this JVM, as bin/precheck runs them in its own (one case runs bin/precheck itself); promtool is used when present
 * (.ci/run installs it).
 */
class PrecheckTests {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path PRECHECK = ROOT.resolve("bin/precheck");
  private static final Path EVENT_VALUES = Path.of("helm/order-service/values-event.yaml");
  private static final Path REDIS_CONF = Path.of("ops/redis/redis.conf");

  @TempDir
  Path results;

  private record Run(int exit, String out, String err) {
    String lastLine() {
      return out.strip().lines().reduce((a, b) -> b).orElse("");
    }
  }

  private Run precheck(String... args) {
    return precheckIn(ROOT, args);
  }

  /** The check with the repository at {@code root}, reading the results written here. */
  private Run precheckIn(Path root, String... args) {
    List<String> command = new ArrayList<>(List.of("--results-dir", results.toString()));
    command.addAll(List.of(args));
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = Precheck.run(command, root, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
  }

  /** bin/precheck itself, started in {@code dir}. */
  private Run launcher(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PRECHECK.toString()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).directory(dir.toFile());
    // bin/precheck runs on this class path instead of compiling the tools
    builder.environment().put("TOOLS_CP", System.getProperty("java.class.path"));
    Process process = builder.start();
    var out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("bin/precheck finished").isTrue();
    return new Run(process.exitValue(), out.join(), err.join());
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void scaleOut(double perPod, Instant date) throws IOException {
    Files.writeString(results.resolve("scale-out-latest.json"), """
        {"date": "%s", "machine": "2 cores", "perPodOrdersPerSecond": %s,
         "steps": [{"instances": 1, "ordersPerSecond": %s, "p99Ms": 40.0,
                    "connectionsPeak": 20, "connectionBudget": 90}]}
        """.formatted(date, perPod, perPod));
  }

  private void replay(boolean auditPassed, String gatewayAlertSeconds) throws IOException {
    String hardened = """
        {"orders": {"admittedSuccessShare": 0.995, "refusalP99Ms": 12.0, "successP99Ms": 80.0},
         "audit": {"passed": %s},
         "alerts": [{"fault": "redis-disk-full", "alert": "RedisRefusingWrites", "secondsToFire": 45.0},
                    {"fault": "gateway-slow", "alert": "PaymentGatewayBreakerOpen", "secondsToFire": %s}]}
        """.formatted(auditPassed, gatewayAlertSeconds);
    Files.writeString(results.resolve("replay-latest.json"), """
        {"date": "%s", "machine": "2 cores", "runs": {"hardened": %s, "incident": %s}}
        """.formatted(Instant.now(), hardened, hardened));
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(results.resolve(name), content);
  }

  /** bin/bench-capacity's figures: service CPU ms per request kind, PostgreSQL's ceilings in orders/s. */
  private void capacity(double order, double read, double payment, double database, double hotRow)
      throws IOException {
    Files.writeString(results.resolve("capacity-latest.json"), """
        {"date": "%s", "machine": "2 cores",
         "cpuMsPerRequest": {"order": %s, "read": %s, "payment": %s, "refusal": 0.1},
         "postgresql": {"orderTransactionsPerSecond": %s, "hotRowOrdersPerSecond": %s, "orderTransactionMs": 5},
         "jvmStartToReadySeconds": 5}
        """.formatted(Instant.now(), order, read, payment, database, hotRow));
  }

  @BeforeEach
  void goodResults() throws IOException {
    scaleOut(850.0, Instant.now().minus(Duration.ofDays(2)));
    replay(true, "30.0");
    // 0.5 + 12 x 0.05 + 0.5 = 1.6 ms of CPU per order with its reads and payment: 1,237 orders/s per 2-core pod
    capacity(0.5, 0.05, 0.5, 5_000, 5_000);
  }

  @Test
  void noGoWhenTheAutoscalerCannotAddPodsBeforeASteepOpeningIsRefused() throws Exception {
    // 2 + 12 x 0.25 + 4 = 9 ms per order: 220 orders/s per pod, 440 on the chart's 2 warm pods, 880 on 4
    capacity(2, 0.25, 4, 5_000, 5_000);
    var twoPods = precheck("--peak-orders-per-second", "800", "--ramp-seconds", "10");
    assertThat(twoPods.exit()).as(twoPods.out() + twoPods.err()).isEqualTo(1);
    assertThat(twoPods.out()).contains("FAIL  autoscaling  peak 800/s reached in 10 s: the pods are the ceiling")
        .contains("4 pods at most").contains("the first pod added");
    assertThat(twoPods.out()).containsPattern("of the requests and (?!0\\.00%)[0-9.]+% of the orders");

    var fourWarm = precheck("--peak-orders-per-second", "800", "--ramp-seconds", "10", "-f", EVENT_VALUES.toString());
    assertThat(fourWarm.out()).as(fourWarm.out() + fourWarm.err())
        .contains("PASS  autoscaling  peak 800/s reached in 10 s: 0 of ")
        .contains("no pod added");
  }

  @Test
  void noGoWhenPostgresqlIsTheCeilingWhateverThePods() throws Exception {
    capacity(0.5, 0.05, 0.5, 500, 5_000);
    var run = precheck("--peak-orders-per-second", "800", "-f", EVENT_VALUES.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL  autoscaling  peak 800/s reached in 10 s: PostgreSQL is the ceiling")
        .contains("at the database (ceiling 500 orders/s");
  }

  @Test
  void noGoWithoutACapacityMeasurementForTheSimulation() throws Exception {
    Files.delete(results.resolve("capacity-latest.json"));
    var run = precheck("--peak-orders-per-second", "300");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL  autoscaling").contains("capacity-latest.json");
  }

  @Test
  void goForGoodResultsOnTheChartsOwnValuesAndTheEventOverlay() throws Exception {
    var plain = precheck("--peak-orders-per-second", "300", "--redis-disk-gib", "10");
    assertThat(plain.exit()).as(plain.out() + plain.err()).isZero();
    assertThat(plain.out())
        .contains("PASS  connections  4 pods x database.pool.maxSize 20 = 80 connections <= budget 90")
        .contains("PASS  capacity     peak 300/s x headroom 1.5 = 450 orders/s <= 850/s per pod x 4 max pods = 3400/s")
        .contains("PASS  resilience   fault gateway-slow: PaymentGatewayBreakerOpen fired after 30 s")
        .contains("PASS  redis        AOF up to (1 + 100/100) x maxmemory 1 GiB + a rewrite's copy 1 GiB = 3 GiB"
            + " <= 80% of the 10 GiB disk = 8 GiB")
        .contains("PASS  redis        loglevel notice")
        .contains("WARN  alerts       prometheusRule.enabled is false")
        .doesNotContain("FAIL");
    assertThat(plain.lastLine()).isEqualTo("GO (1 warning)");

    var event = precheck("--peak-orders-per-second", "2000", "-f", EVENT_VALUES.toString(), "--headroom", "1.2");
    assertThat(event.exit()).as(event.out() + event.err()).isZero();
    assertThat(event.out()).contains("PASS  capacity     peak 2000/s <= 850/s per pod x 4 min pods = 3400/s")
        .contains("WARN  redis        AOF up to").contains("disk not checked");
    assertThat(event.lastLine()).isEqualTo("GO (2 warnings)");
  }

  @Test
  void noGoWhenMaxReplicasTimesThePoolExceedsTheConnectionBudget() throws Exception {
    var tenPods = precheck("--peak-orders-per-second", "300",
        "-f", file("ten-pods.yaml", "autoscaling:\n  maxReplicas: 10\n").toString());
    assertThat(tenPods.exit()).as(tenPods.out()).isEqualTo(1);
    assertThat(tenPods.out()).contains("""
        NO-GO
          connections: 10 pods x database.pool.maxSize 20 = 200 connections > budget 90 \
        (database.maxConnections 100 - database.reservedConnections 10)""");

    var noAutoscaling = precheck("--peak-orders-per-second", "300", "-f",
        file("fixed.yaml", "replicaCount: 5\nautoscaling:\n  enabled: false\n").toString());
    assertThat(noAutoscaling.exit()).as(noAutoscaling.out()).isEqualTo(1);
    assertThat(noAutoscaling.out())
        .contains("connections: 5 pods x database.pool.maxSize 20 = 100 connections > budget 90");
  }

  @Test
  void noGoWhenARolloutsNewPoolsExceedTheConnectionBudget() throws Exception {
    var surge = precheck("--peak-orders-per-second", "300",
        "-f", file("surge.yaml", "rollout:\n  maxSurge: \"25%\"\n").toString());
    assertThat(surge.exit()).as(surge.out()).isEqualTo(1);
    assertThat(surge.out())
        .contains("PASS  connections  4 pods x database.pool.maxSize 20 = 80 connections <= budget 90")
        .contains("connections: a rollout runs 4 pods + rollout.maxSurge 1 = 5 pods x database.pool.maxSize 20 = 100"
            + " connections > budget 90")
        .contains("connections: during a rollout 4 pods x 20 + 2 starting pods x database.pool.minSize 10 = 100"
            + " connections > budget 90");

    var event = precheck("--peak-orders-per-second", "300", "-f", EVENT_VALUES.toString());
    assertThat(event.out()).contains("PASS  connections  during a rollout 4 pods x 18 + 1 starting pods x"
        + " database.pool.minSize 18 = 90 connections <= budget 90");
  }

  @Test
  void noGoWhenThePeakWithHeadroomExceedsTheMeasuredCapacityOfMaxReplicas() throws Exception {
    scaleOut(100.0, Instant.now());

    var over = precheck("--peak-orders-per-second", "300");
    assertThat(over.exit()).as(over.out()).isEqualTo(1);
    assertThat(over.out()).contains(
        "capacity: peak 300/s x headroom 1.5 = 450 orders/s > 100/s per pod x 4 max pods = 400/s");

    scaleOut(100.0, Instant.now().minus(Duration.ofDays(40)));
    var justUnder = precheck("--peak-orders-per-second", "266");
    assertThat(justUnder.exit()).as("warnings only: GO\n" + justUnder.out()).isZero();
    assertThat(justUnder.out())
        .contains("PASS  capacity     peak 266/s x headroom 1.5 = 399 orders/s <= 100/s per pod x 4 max pods = 400/s")
        .contains("WARN  capacity     peak 266/s > 100/s per pod x 2 min pods = 200/s:"
            + " the autoscaler must add pods during the surge")
        .contains("WARN  capacity     the scale-out measurement is 40 days old");
  }

  @Test
  void noGoWithoutAMeasurement() throws Exception {
    Files.delete(results.resolve("scale-out-latest.json"));
    var missing = precheck("--peak-orders-per-second", "300");
    assertThat(missing.exit()).as(missing.out()).isEqualTo(1);
    assertThat(missing.out()).contains("FAIL  capacity     no scale-out measurement (per-pod capacity): "
        + results.resolve("scale-out-latest.json") + " is missing");
  }

  @Test
  void noGoWhenTheReplayAuditFailedOrAnAlertNeverFired() throws Exception {
    replay(false, "null");
    var run = precheck("--peak-orders-per-second", "300");
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out())
        .contains("resilience: hardened run: audit did not pass")
        .contains("resilience: fault gateway-slow: PaymentGatewayBreakerOpen never fired")
        .contains("PASS  resilience   fault redis-disk-full: RedisRefusingWrites fired after 45 s");
  }

  @Test
  void noGoWhenRedisLogsAtDebugOrItsAofOutgrowsTheDisk() throws Exception {
    Path debug = file("redis.conf", Files.readString(REDIS_CONF).replace("loglevel notice", "loglevel debug"));
    var run = precheck("--peak-orders-per-second", "300", "--redis-conf", debug.toString(), "--redis-disk-gib", "3");
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out())
        .contains("redis: loglevel debug: debug logging filled the disk on 2025-06-05")
        .contains("redis: AOF up to (1 + 100/100) x maxmemory 1 GiB + a rewrite's copy 1 GiB = 3 GiB"
            + " > 80% of the 3 GiB disk = 2.4 GiB");
  }

  @Test
  void theServersRealMaxConnectionsOverridesTheValuesInJson() throws Exception {
    var run = precheck("--peak-orders-per-second", "300", "--max-connections", "80", "--json");
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    JsonNode verdict = new ObjectMapper().readTree(run.out());
    assertThat(verdict.path("verdict").asText()).isEqualTo("NO-GO");
    JsonNode findings = verdict.path("findings");
    assertThat(findings.findValuesAsText("check")).contains("connections", "capacity", "resilience", "redis", "alerts");
    assertThat(findings.get(0).path("status").asText()).isEqualTo("FAIL");
    assertThat(findings.get(0).path("detail").asText()).startsWith(
        "4 pods x database.pool.maxSize 20 = 80 connections > budget 70"
            + " (--max-connections 80 - database.reservedConnections 10)");
    assertThat(findings.get(1).path("status").asText()).isEqualTo("WARN");
    assertThat(findings.get(1).path("detail").asText())
        .startsWith("the server's max_connections 80 differs from database.maxConnections 100");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    var noPeak = precheck("-f", EVENT_VALUES.toString());
    assertThat(noPeak.exit()).isEqualTo(2);
    assertThat(noPeak.err()).contains("the following arguments are required: --peak-orders-per-second");

    var noValuesFile = precheck("--peak-orders-per-second", "300", "-f", "no-such-values.yaml");
    assertThat(noValuesFile.exit()).isEqualTo(2);
    assertThat(noValuesFile.err()).contains("values file no-such-values.yaml");
  }

  @Test
  void helmsRefusalOfTheValuesFilesIsAUsageError() throws Exception {
    var noRollout = precheck("--peak-orders-per-second", "300", "-f", file("no-rollout.yaml", "rollout: null\n")
        .toString());
    assertThat(noRollout.exit()).as(noRollout.out() + noRollout.err()).isEqualTo(2);
    assertThat(noRollout.err()).contains("the chart refuses the values files (helm install would too)")
        .contains("missing property 'rollout'");
  }

  @Test
  void aRolloutsSurgeIsCountedAsKubernetesRoundsItAndItsStepAsThePodsItStarts() throws Exception {
    String threePodsOf22 = "autoscaling:\n  maxReplicas: 3\ndatabase:\n  pool:\n    maxSize: 22\n    minSize: 13\n";
    var oneMore = precheck("--peak-orders-per-second", "300", "-f", file("three.yaml", threePodsOf22).toString(),
        "-f", file("surge-one.yaml", "rollout:\n  maxSurge: 1\n  maxUnavailable: \"30%\"\n").toString());
    assertThat(oneMore.out()).as(oneMore.out() + oneMore.err())
        .contains("PASS  connections  3 pods x database.pool.maxSize 22 = 66 connections <= budget 90")
        // (3 + 1) x 22 = 88 fits: no finding of its own; 30% of 3 pods is none, so one pod starts
        .doesNotContain("a rollout runs")
        .contains("PASS  connections  during a rollout 3 pods x 22 + 1 starting pods x database.pool.minSize 13 = 79"
            + " connections <= budget 90")
        .doesNotContain("FAIL  connections");

    // 50% of 3 pods rounded up is 2 more: (3 + 2) x 22 = 110; and 3 x 22 + (2 + 1) x 13 = 105
    var twoMore = precheck("--peak-orders-per-second", "300", "-f", file("three.yaml", threePodsOf22).toString(),
        "-f", file("surge-half.yaml", "rollout:\n  maxSurge: \"50%\"\n").toString());
    assertThat(twoMore.exit()).isEqualTo(1);
    assertThat(twoMore.out())
        .contains("FAIL  connections  a rollout runs 3 pods + rollout.maxSurge 2 = 5 pods x database.pool.maxSize 22"
            + " = 110 connections > budget 90: set rollout.maxSurge 0")
        .contains("FAIL  connections  during a rollout 3 pods x 22 + 3 starting pods x database.pool.minSize 13 = 105"
            + " connections > budget 90")
        .contains("FAIL  autoscaling  the chart refuses these values (helm install would too): capacity guard: a"
            + " rollout runs 3 pods + rollout.maxSurge 50% (2 more) = 5 pods");

    // without a surge a rollout's pools are the pods' own: one finding, not the same numbers twice
    var noSurge = precheck("--peak-orders-per-second", "300",
        "-f", file("ten-pods.yaml", "autoscaling:\n  maxReplicas: 10\n").toString());
    assertThat(noSurge.out()).contains("FAIL  connections  10 pods x database.pool.maxSize 20 = 200 connections")
        .doesNotContain("a rollout runs");
  }

  @Test
  void aReadReplicasPoolsMustFitAStandbysBudgetDuringARollout() throws Exception {
    String replica = "database:\n  readReplica:\n    url: jdbc:postgresql://orders-db-ro:5432/orders\n";
    var defaultPool = precheck("--peak-orders-per-second", "300", "-f", file("replica.yaml", replica).toString());
    assertThat(defaultPool.exit()).as(defaultPool.out() + defaultPool.err()).isZero();
    assertThat(defaultPool.out()).contains("PASS  connections  a rollout runs 4 pods x database.readReplica.poolMaxSize"
        + " 10 = 40 connections to a standby <= its budget 90");

    var wide = precheck("--peak-orders-per-second", "300", "-f", file("replica.yaml", replica).toString(),
        "-f", file("wide.yaml", "database:\n  readReplica:\n    poolMaxSize: 23\n").toString());
    assertThat(wide.exit()).isEqualTo(1);
    assertThat(wide.out())
        .contains("PASS  connections  4 pods x database.pool.maxSize 20 = 80 connections <= budget 90")
        .contains("FAIL  connections  a rollout runs 4 pods x database.readReplica.poolMaxSize 23 = 92 connections to"
            + " a standby > its budget 90: lower database.readReplica.poolMaxSize")
        .contains("FAIL  autoscaling  the chart refuses these values (helm install would too): capacity guard: a"
            + " rollout runs 4 pods x database.readReplica.poolMaxSize 23 = 92 connections to a standby");

    // a surge adds pools on the standby too, and the server's real max_connections is its budget as well:
    // (2 + 1) x 12 = 36 > 45 - 10, where 2 x 12 = 24 would fit, and so would 100 - 10
    var surge = precheck("--peak-orders-per-second", "300", "--max-connections", "45",
        "-f", file("replica.yaml", replica).toString(), "-f", file("surge.yaml", """
            autoscaling: {maxReplicas: 2}
            rollout: {maxSurge: 1}
            database: {pool: {maxSize: 10, minSize: 5}, readReplica: {poolMaxSize: 12}}
            """).toString());
    assertThat(surge.out()).as(surge.out() + surge.err())
        .contains("PASS  connections  2 pods x database.pool.maxSize 10 = 20 connections <= budget 35")
        .contains("FAIL  connections  a rollout runs 3 pods x database.readReplica.poolMaxSize 12 = 36 connections to"
            + " a standby > its budget 35");
  }

  @Test
  void theAlertsAnEventReliesOnIncludeTheOneThatSaysTheOthersAreBlind(@TempDir Path root) throws Exception {
    assertThat(precheck("--peak-orders-per-second", "300").out())
        .contains("PASS  alerts       the 12 alerts an event relies on are in ops/prometheus/alerts.yml");

    // a copy of the repository's chart and Redis files, its alerts.yml short of OrderServiceNotScraped
    RenderedChart.copyInto(ROOT.resolve("helm/order-service"), root.resolve("helm/order-service"));
    Files.createDirectories(root.resolve("ops/redis"));
    try (var redis = Files.list(ROOT.resolve("ops/redis"))) {
      for (Path f : redis.toList()) {
        Files.copy(f, root.resolve("ops/redis").resolve(f.getFileName()));
      }
    }
    Files.createDirectories(root.resolve("ops/prometheus"));
    String alerts = Files.readString(ROOT.resolve("ops/prometheus/alerts.yml"));
    Files.writeString(root.resolve("ops/prometheus/alerts.yml"),
        alerts.substring(0, alerts.indexOf("      - alert: OrderServiceNotScraped")));
    var blind = precheckIn(root, "--peak-orders-per-second", "300");
    assertThat(blind.exit()).as(blind.out() + blind.err()).isEqualTo(1);
    assertThat(blind.out())
        .contains("FAIL  alerts       missing from ops/prometheus/alerts.yml: OrderServiceNotScraped")
        .contains("FAIL  alerts       helm/order-service/files/prometheus-rules.yaml differs from"
            + " ops/prometheus/alerts.yml");
  }

  @Test
  void binPrecheckTakesThePathsItIsGivenFromWhereItRunsAndItsDefaultsFromTheRepository() throws Exception {
    file("event.yaml", Files.readString(EVENT_VALUES));
    var run = launcher(results, "--peak-orders-per-second", "300", "--results-dir", ".", "-f", "event.yaml");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("order-service precheck: peak 300 orders/s, headroom 1.5, values helm/order-service/values.yaml,"
            + " event.yaml\n")
        .contains("PASS  connections  4 pods x database.pool.maxSize 18 = 72 connections <= budget 90")
        .contains("PASS  capacity     peak 300/s x headroom 1.5 = 450 orders/s <= 850/s per pod x 4 max pods")
        .contains("PASS  redis        logfile /var/log/redis/redis-server.log is rotated by ops/redis/logrotate.conf");

    var usage = launcher(results, "--peak-orders-per-second", "0");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("bin/precheck: error: argument --peak-orders-per-second: must be above 0: 0");
  }
}
