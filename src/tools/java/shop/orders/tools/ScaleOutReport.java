package shop.orders.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static shop.orders.tools.PythonStyle.fixed;
import static shop.orders.tools.PythonStyle.grouped;
import static shop.orders.tools.PythonStyle.repr;
import static shop.orders.tools.PythonStyle.round;

/**
 * The results of bin/bench-scale-out: reads the per-step lines the script wrote ({@code key=value} pairs, one line a
 * step, in $STEP_FILE) and the run's settings from the environment the script exports, writes $OUT.json and $OUT.md
 * (and results/scale-out-latest.json after a valid full run, which bin/precheck reads) and prints the summary table.
 * The JSON is laid out as Python's {@code json.dump(indent=2)} lays it out, and figures are rounded half-even on
 * their exact values, as the script's earlier Python did, so results stay comparable line by line.
 * Usage: {@code ScaleOutReport} (environment: DATE MACHINE COMMIT JAR_BUILT PG_VERSION LOAD_AT_START LOAD_AT_END
 * WARMUP DURATION CONNECTIONS CUSTOMERS MAX_CONNECTIONS RESERVED SKUS OUT STEP_FILE SMOKE).
 */
public final class ScaleOutReport {
  private final Map<String, String> env;
  private final List<Map<String, Object>> steps;
  private final Map<String, Object> result = new LinkedHashMap<>();

  /** The report of the steps in {@code stepLines} for the settings in {@code env}. */
  ScaleOutReport(Map<String, String> env, List<String> stepLines) {
    this.env = env;
    this.steps = stepLines.stream().filter(line -> !line.isBlank()).map(ScaleOutReport::step).toList();
    var one = steps.stream().filter(s -> (int) s.get("instances") == 1).findFirst();
    result.put("date", env("DATE"));
    result.put("machine", env("MACHINE"));
    result.put("perPodOrdersPerSecond", one.map(s -> s.get("ordersPerSecond")).orElse(null));
    result.put("steps", steps);
    result.put("smoke", "1".equals(env.get("SMOKE")));
    result.put("commit", env("COMMIT"));
    result.put("jarBuilt", env("JAR_BUILT"));
    result.put("postgresVersion", env("PG_VERSION"));
    result.put("postgresMaxConnections", Integer.parseInt(env("MAX_CONNECTIONS")));
    result.put("reservedConnections", Integer.parseInt(env("RESERVED")));
    result.put("warmupSeconds", Integer.parseInt(env("WARMUP")));
    result.put("durationSeconds", Integer.parseInt(env("DURATION")));
    result.put("wrkConnections", Integer.parseInt(env("CONNECTIONS")));
    result.put("customers", Integer.parseInt(env("CUSTOMERS")));
    result.put("skus", Integer.parseInt(env("SKUS")));
    result.put("loadAverageAtStart", env("LOAD_AT_START"));
    result.put("loadAverageAtEnd", env("LOAD_AT_END"));
    result.put("valid", steps.stream().allMatch(s -> (boolean) s.get("withinBudget") && (int) s.get("non2xx") == 0
        && (int) s.get("socketErrors") == 0));
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> env = System.getenv();
    var report = new ScaleOutReport(env, Files.readAllLines(Path.of(env.get("STEP_FILE"))));
    report.write(Path.of(env.get("OUT")), Path.of("results", "scale-out-latest.json"));
    System.out.print(report.table());
  }

  /** Writes {@code <out>.json} and {@code <out>.md}; the JSON also to {@code latest} after a valid full run. */
  void write(Path out, Path latest) throws IOException {
    Path json = Path.of(out + ".json");
    Files.writeString(json, json(), StandardCharsets.UTF_8);
    if (!(boolean) result.get("smoke") && valid()) {
      Files.copy(json, latest, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(Path.of(out + ".md"), markdown(), StandardCharsets.UTF_8);
  }

  boolean valid() {
    return (boolean) result.get("valid");
  }

  /** One step's line: {@code instances=1 pool=20 rps=444.3 ... load=1.0,0.5,0.2}. */
  static Map<String, Object> step(String line) {
    Map<String, String> f = Arrays.stream(line.trim().split("\\s+")).map(kv -> kv.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1], (a, b) -> b));
    Function<String, String> field = name -> {
      String value = f.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no " + name + "= in the step line: " + line);
      }
      return value;
    };
    var step = new LinkedHashMap<String, Object>();
    step.put("instances", Integer.parseInt(field.apply("instances")));
    step.put("pool", Integer.parseInt(field.apply("pool")));
    step.put("ordersPerSecond", round(field.apply("rps"), 1));
    step.put("p50Ms", round(field.apply("p50"), 2));
    step.put("p99Ms", round(field.apply("p99"), 2));
    step.put("non2xx", Integer.parseInt(field.apply("non2xx")));
    step.put("connectionsPeak", Integer.parseInt(field.apply("peak")));
    step.put("connectionsLimit", Integer.parseInt(field.apply("limit")));
    step.put("connectionBudget", Integer.parseInt(field.apply("budget")));
    step.put("withinBudget", "true".equals(field.apply("within")));
    step.put("p90Ms", round(field.apply("p90"), 2));
    step.put("maxMs", round(field.apply("max"), 2));
    step.put("requests", Integer.parseInt(field.apply("requests")));
    step.put("statuses", field.apply("statuses"));
    step.put("socketErrors", Integer.parseInt(field.apply("socket_errors")));
    step.put("connectionSamples", Integer.parseInt(field.apply("samples")));
    step.put("instanceCpuSeconds", Arrays.stream(field.apply("cpu").split(",")).map(Double::parseDouble).toList());
    step.put("haproxyCpuSeconds", Double.parseDouble(field.apply("lb_cpu")));
    step.put("machineCpuSecondsBusy", Double.parseDouble(field.apply("machine_busy")));
    step.put("machineCpuSecondsAvailable", Double.parseDouble(field.apply("machine_total")));
    step.put("ordersPerInstance", Arrays.stream(field.apply("spread").split(",")).filter(x -> !x.isEmpty())
        .map(Integer::parseInt).toList());
    step.put("instanceDownEvents", Integer.parseInt(field.apply("downs")));
    step.put("loadAverage", field.apply("load").replace(",", " "));
    return step;
  }

  /** The JSON file's text. */
  String json() {
    return PythonStyle.json(result) + "\n";
  }

  /** The Markdown file's text (without the raw wrk output the script appends). */
  String markdown() {
    String head = "| instances | pool | instances × pool | budget | peak connections | within | orders/s | p50 ms | p99 ms "
        + "| errors | 2xx per instance (HAProxy) | CPU s per instance | machine CPU s busy / available | load avg |";
    var md = new ArrayList<String>();
    md.add("# bin/bench-scale-out " + env("DATE") + ((boolean) result.get("smoke") ? " (SMOKE)" : ""));
    md.add("");
    md.add("- machine: " + env("MACHINE") + "; PostgreSQL " + env("PG_VERSION") + "; load average "
        + env("LOAD_AT_START") + " at start, " + env("LOAD_AT_END") + " at the end");
    md.add("- commit " + env("COMMIT") + "; jar built " + env("JAR_BUILT"));
    md.add("- per step: " + env("WARMUP") + " s warm-up, then " + env("DURATION") + " s of wrk at "
        + env("CONNECTIONS") + " connections through HAProxy (round robin); " + env("SKUS") + " SKUs, "
        + env("CUSTOMERS") + " customers; admission control and rate limits off");
    md.add("- connection budget: max_connections " + env("MAX_CONNECTIONS") + " − database.reservedConnections "
        + env("RESERVED") + " = " + (Integer.parseInt(env("MAX_CONNECTIONS")) - Integer.parseInt(env("RESERVED")))
        + "; peak sampled every 0.5 s from pg_stat_activity");
    md.add("");
    md.add(head);
    md.add("|" + "---|".repeat((int) head.chars().filter(c -> c == '|').count() - 1));
    for (var s : steps) {
      md.add("| " + s.get("instances") + " | " + s.get("pool") + " | " + s.get("connectionsLimit") + " | "
          + s.get("connectionBudget") + " | " + s.get("connectionsPeak") + " | "
          + ((boolean) s.get("withinBudget") ? "yes" : "**no**") + " | " + grouped(fixed(d(s, "ordersPerSecond"), 0))
          + " | " + fixed(d(s, "p50Ms"), 1) + " | " + fixed(d(s, "p99Ms"), 1) + " | " + errors(s) + " | "
          + ints(s, "ordersPerInstance").stream().map(x -> String.format(Locale.ROOT, "%,d", x))
          .collect(Collectors.joining(" / "))
          + " | " + cpu(s) + " | " + repr(d(s, "machineCpuSecondsBusy")) + " / "
          + repr(d(s, "machineCpuSecondsAvailable")) + " | " + s.get("loadAverage") + " |");
    }
    md.add("");
    md.add("Errors counts non-2xx responses and socket errors. CPU seconds are those used during the measured window; "
        + "the machine's available CPU seconds are cores × window. HAProxy's 2xx count includes the responses still "
        + "in flight when wrk stopped.");
    for (var s : steps) {
      if ((int) s.get("instanceDownEvents") != 0) {
        md.add("- with " + s.get("instances") + " instance(s), HAProxy's readiness check took an instance out "
            + s.get("instanceDownEvents") + " time(s) during warm-up and window: /q/health/ready, which needs a pool "
            + "connection, took over 1 s (the chart's probe timeout); see the HAProxy log");
      }
    }
    md.add("");
    md.add("Result: " + (valid() ? "valid (no errors, every step within budget)" : "**INVALID**"));
    md.add("");
    return String.join("\n", md);
  }

  /** The summary printed after the run: a blank line, a header and a line per step. */
  String table() {
    String format = "%9s %5s %6s %6s %5s %6s %9s %7s %7s %6s  %s%n";
    var out = new StringBuilder("\n");
    out.append(String.format(Locale.ROOT, format, "instances", "pool", "limit", "budget", "peak", "within",
        "orders/s", "p50 ms", "p99 ms", "errors", "CPU s per instance (machine busy/available)"));
    for (var s : steps) {
      out.append(String.format(Locale.ROOT, format, s.get("instances"), s.get("pool"), s.get("connectionsLimit"),
          s.get("connectionBudget"), s.get("connectionsPeak"), (boolean) s.get("withinBudget") ? "yes" : "NO",
          fixed(d(s, "ordersPerSecond"), 1), fixed(d(s, "p50Ms"), 1), fixed(d(s, "p99Ms"), 1), errors(s),
          cpu(s) + " (" + repr(d(s, "machineCpuSecondsBusy")) + "/"
              + repr(d(s, "machineCpuSecondsAvailable")) + ")"));
    }
    return out.toString();
  }

  private String env(String name) {
    String value = env.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value;
  }

  private static int errors(Map<String, Object> s) {
    return (int) s.get("non2xx") + (int) s.get("socketErrors");
  }

  private static String cpu(Map<String, Object> s) {
    @SuppressWarnings("unchecked")
    var cpu = (List<Double>) s.get("instanceCpuSeconds");
    return cpu.stream().map(PythonStyle::repr).collect(Collectors.joining(" / "));
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> ints(Map<String, Object> s, String name) {
    return (List<Integer>) s.get(name);
  }

  private static double d(Map<String, Object> s, String name) {
    return (double) s.get(name);
  }
}
