package shop.orders.tools.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import shop.orders.tools.PythonStyle;
import shop.orders.tools.autoscaling.ConnectionBudget;
import shop.orders.tools.autoscaling.RenderedChart;
import shop.orders.tools.autoscaling.Replicas;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * bin/precheck, the pre-event GO / NO-GO check: what it checks is {@link #DESCRIPTION} (bin/precheck --help). The
 * values are those Helm computes from the chart's values.yaml and the -f files, and the connection arithmetic is the
 * chart's capacity guard's ({@link ConnectionBudget}).
 *
 * <p>Run with the repository in the system property precheck.root (bin/precheck sets it): default paths are there,
 * paths on the command line are taken from the current directory.
 */
public final class Precheck {
  /** The width of the help's paragraphs. */
  private static final int HELP_WIDTH = 113;
  static final String DESCRIPTION = """
      Run it the week before a flash sale with the expected peak and the Helm values the event will run with.
      It checks:

        connections  maxReplicas (replicaCount without autoscaling) x database.pool.maxSize fits
                     database.maxConnections - database.reservedConnections, and so does a rollout: (maxReplicas +
                     rollout.maxSurge) x maxSize, and maxReplicas x maxSize + the pods starting x minSize (a
                     replaced pod keeps its connections until it stops); with a read replica, (maxReplicas +
                     rollout.maxSurge) x database.readReplica.poolMaxSize fits a standby's budget, the same: the
                     chart's capacity guard
        capacity     the peak x headroom fits the measured orders/s per pod (results/scale-out-latest.json) x
                     maxReplicas; WARN when the peak needs more than minReplicas pods or the measurement is over 30
                     days old
        resilience   the hardened run of the incident replay (results/replay-latest.json) passed its audit and
                     every fault's alert fired within 120 s; WARN when under 99% of admitted orders succeeded,
                     refusals took >= 100 ms (p99) or the replay is over 30 days old
        redis        redis.conf: AOF on, the AOF's peak, (1 + auto-aof-rewrite-percentage/100) x maxmemory plus a
                     rewrite's copy of maxmemory, within 80% of --redis-disk-gib (the AOF's volume), loglevel not
                     debug/verbose, its logfile named by a logrotate config in ops/redis/
        autoscaling  the autoscaling simulation (bin/simulate-autoscaling) plays the event on the chart rendered
                     with these values files and the capacity measured by bin/bench-capacity
                     (results/capacity-latest.json): from peak / 20 to the peak in --ramp-seconds (10),
                     --hold-seconds (300) at the peak, KEDA cron windows placed around --opens-at, the worst phase
                     of the autoscaler's loop; FAIL when from the opening to the end of the peak more than
                     --max-refused-percent (1) of the requests or of the orders would be refused (pods starting,
                     the pods' CPU, PostgreSQL's ceilings) or the connections exceed the budget, saying where the
                     refusals come from, or when the chart refuses the values; WARN when the measurement is over
                     30 days old
      ALERTS

      Each finding is PASS, WARN or FAIL with its numbers. Exit 0: GO (warnings allowed); 1: NO-GO (a FAIL);
      2: usage error, or a values file or redis.conf named on the command line is missing or unreadable, or Helm
      refuses the values files (not YAML, or against the chart's values.schema.json).
      An absent results file is a FAIL (the event is not proven), not a usage error.

      Default paths are in this repository, whatever the current directory; paths given on the command line are
      taken relative to the current directory.
      """.replace("ALERTS\n", wrap("  alerts       ", "the alerts the runbook relies on during an event are in"
      + " ops/prometheus/alerts.yml (" + String.join(", ", AlertsCheck.EVENT_ALERTS) + "), the chart's"
      + " files/prometheus-rules.yaml is the same file, promtool check rules passes (WARN without promtool); WARN"
      + " when prometheusRule.enabled is false"));
  static final String OPTIONS = """
      options:
        -h, --help            show this help message and exit
        --peak-orders-per-second N
                              expected peak of POST /api/orders per second
                              (required)
        -f FILE, --values FILE
                              values file the event runs with, merged in order over
                              helm/order-service/values.yaml by Helm; repeat it:
                              -f my-values.yaml -f helm/order-service/values-
                              event.yaml
        --max-connections N   PostgreSQL's real max_connections (SHOW
                              max_connections); default: database.maxConnections
        --results-dir DIR     where scale-out-latest.json, replay-latest.json and
                              capacity-latest.json are (default: results/)
        --redis-conf FILE     the Redis configuration the event runs with (default:
                              ops/redis/redis.conf)
        --redis-disk-gib GIB  size of the volume holding Redis' AOF; without it the
                              disk is not checked (WARN)
        --headroom X          capacity wanted beyond the peak at maxReplicas
                              (default: 1.5)
        --ramp-seconds S      seconds the sale takes from its background rate to the
                              peak, for the autoscaling simulation (default: 10, a
                              flash sale's opening)
        --hold-seconds S      seconds the sale stays at its peak, for the
                              autoscaling simulation (default: 300)
        --opens-at HH:MM      when the sale opens, in the time zone of the values'
                              KEDA cron schedules (default: 20:00): the simulation
                              places their windows around it
        --max-refused-percent P
                              refused requests the event may have in the simulation,
                              in percent (default: 1)
        --json                print the verdict as one JSON object instead of the
                              table

      example: bin/precheck --peak-orders-per-second 300 -f my-values.yaml -f helm/order-service/values-event.yaml \
      --max-connections 100 --redis-disk-gib 10
      """;
  /** How the values files are listed: the chart's own first, as Helm takes them. */
  static final String CHART_VALUES = "helm/order-service/values.yaml";

  private Precheck() {
  }

  public static void main(String[] args) {
    Path root = Path.of(System.getProperty("precheck.root", "")).toAbsolutePath();
    System.exit(run(List.of(args), root, System.out, System.err));
  }

  /** A finding of a named check. */
  record Line(String check, Finding finding) {
  }

  /** A check: its findings, or Unusable when an input it needs is missing (a FAIL). */
  private interface Check {
    List<Finding> findings() throws Unusable, UsageError;
  }

  /** Runs the checks with {@code args}; the exit status: 0 GO, 1 NO-GO, 2 usage error. */
  public static int run(List<String> args, Path root, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args, root);
    } catch (Options.HelpRequested help) {
      out.print(Options.USAGE + "\n" + DESCRIPTION + "\n" + OPTIONS);
      return 0;
    } catch (UsageError e) {
      err.print(Options.USAGE);
      err.println("bin/precheck: error: " + e.getMessage());
      return 2;
    }
    List<Line> lines = new ArrayList<>();
    try {
      Path chart = root.resolve(RenderedChart.CHART);
      JsonNode values = values(chart, o.values());
      if (!Files.isRegularFile(o.redisConf())) {
        throw new UsageError("redis.conf " + o.redisConf() + " is missing");
      }
      Instant now = Instant.now();
      Map<String, Check> checks = new LinkedHashMap<>();
      checks.put("connections", () -> ConnectionsCheck.findings(ConnectionBudget.of(values), o.maxConnections()));
      checks.put("capacity", () -> CapacityCheck.findings(o.resultsDir(), o.peak(), o.headroom(),
          Replicas.of(values), now));
      checks.put("autoscaling", () -> AutoscalingCheck.findings(chart, o));
      checks.put("resilience", () -> ResilienceCheck.findings(o.resultsDir(), now));
      checks.put("redis", () -> RedisCheck.findings(o.redisConf(), o.redisDiskGib(), root,
          root.resolve("ops/redis")));
      checks.put("alerts", () -> AlertsCheck.findings(root, values));
      for (var check : checks.entrySet()) {
        try {
          check.getValue().findings().forEach(f -> lines.add(new Line(check.getKey(), f)));
        } catch (Unusable e) {
          lines.add(new Line(check.getKey(), Finding.fail(e.getMessage())));
        }
      }
    } catch (UsageError e) {
      err.print(Options.USAGE);
      err.println("bin/precheck: " + e.getMessage());
      return 2;
    }
    print(o, lines, out);
    return lines.stream().anyMatch(l -> l.finding().status() == Finding.Status.FAIL) ? 1 : 0;
  }

  /** The values Helm computes; a file missing, not YAML or against the chart's schema is a usage error. */
  private static JsonNode values(Path chart, List<Path> files) throws UsageError {
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new UsageError("values file " + file + ": no such file, or not readable");
      }
    }
    try {
      return RenderedChart.values(chart, files);
    } catch (RenderedChart.Refused e) {
      throw new UsageError("the chart refuses the values files (helm install would too): " + e.getMessage());
    }
  }

  /** {@code text} after {@code label}, in lines of the help's width indented under its first word. */
  private static String wrap(String label, String text) {
    StringBuilder out = new StringBuilder(label);
    int lineStart = 0;
    for (String word : text.split(" ")) {
      if (out.length() - lineStart + 1 + word.length() > HELP_WIDTH && out.length() - lineStart > label.length()) {
        out.append('\n');
        lineStart = out.length();
        out.append(" ".repeat(label.length()));
      } else if (out.length() - lineStart > label.length()) {
        out.append(' ');
      }
      out.append(word);
    }
    return out.append('\n').toString();
  }

  private static void print(Options o, List<Line> lines, PrintStream out) {
    List<String> files = Stream.concat(Stream.of(CHART_VALUES), o.values().stream().map(Path::toString)).toList();
    List<Line> failures = lines.stream().filter(l -> l.finding().status() == Finding.Status.FAIL).toList();
    long warnings = lines.stream().filter(l -> l.finding().status() == Finding.Status.WARN).count();
    if (o.json()) {
      Map<String, Object> verdict = new LinkedHashMap<>();
      verdict.put("verdict", failures.isEmpty() ? "GO" : "NO-GO");
      verdict.put("peakOrdersPerSecond", o.peak());
      verdict.put("headroom", o.headroom());
      verdict.put("valuesFiles", files);
      verdict.put("findings", lines.stream().map(l -> {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("check", l.check());
        finding.put("status", l.finding().status().name());
        finding.put("detail", l.finding().detail());
        return finding;
      }).toList());
      out.println(PythonStyle.json(verdict));
      return;
    }
    out.println("order-service precheck: peak " + Finding.num(o.peak()) + " orders/s, headroom "
        + Finding.num(o.headroom()) + ", values " + String.join(", ", files));
    lines.forEach(l -> out.printf("%s  %-11s  %s%n", l.finding().status(), l.check(), l.finding().detail()));
    out.println();
    if (!failures.isEmpty()) {
      out.println("NO-GO");
      failures.forEach(l -> out.println("  " + l.check() + ": " + l.finding().detail()));
    } else {
      out.println(warnings == 0 ? "GO" : "GO (" + warnings + " warning" + (warnings > 1 ? "s" : "") + ")");
    }
  }
}
