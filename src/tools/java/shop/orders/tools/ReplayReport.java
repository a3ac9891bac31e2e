package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static shop.orders.tools.PythonStyle.fixed;
import static shop.orders.tools.PythonStyle.groupedFixed;
import static shop.orders.tools.PythonStyle.str;

/**
 * Turns an incident replay's runs (bin/replay-incident) into replay.json, replay.md and replay.png (gnuplot).
 * Usage: {@code ReplayReport <results/replay-STAMP> <faults-at-second> <fault-seconds>}; bin/replay-report runs it.
 * Exits 1 when no run has a summary or the hardened run's audit failed, 2 on a usage error.
 */
public final class ReplayReport {
  static final String USAGE = """
      Turns an incident replay's runs (bin/replay-incident) into replay.json, replay.md and replay.png.

      Usage: bin/replay-report <results/replay-STAMP> <faults-at-second> <fault-seconds>
      Exits 1 when no run has a summary or the hardened run's audit failed.
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NONE = "–";
  private static final List<String> MODES = List.of("hardened", "incident");
  private static final Map<String, String> COLOURS = Map.of("hardened", "#1a7f37", "incident", "#cf222e");

  private final Path out;
  private final int faultsAt;
  private final int faultSeconds;
  private final Map<String, ObjectNode> runs = new LinkedHashMap<>();
  private final Map<String, Object> report = new LinkedHashMap<>();

  /** The report of the runs under {@code out}, dated {@code date}, on {@code machine}. */
  ReplayReport(Path out, int faultsAt, int faultSeconds, Instant date, String machine) throws IOException {
    this.out = out;
    this.faultsAt = faultsAt;
    this.faultSeconds = faultSeconds;
    for (String mode : MODES) {
      Path summary = out.resolve(mode).resolve("summary.json");
      if (Files.exists(summary)) {
        var run = (ObjectNode) JSON.readTree(summary.toFile());
        Path cpu = out.resolve(mode).resolve("cpu.json");
        if (Files.exists(cpu)) {
          run.set("cpu", JSON.readTree(cpu.toFile()));
        }
        runs.put(mode, run);
      }
    }
    report.put("date", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
        .format(date.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
    report.put("machine", machine);
    report.put("shape", "Faults from second " + faultsAt + " for " + faultSeconds
        + " s; see each run's environment.txt.");
    var targets = new LinkedHashMap<String, Object>();
    targets.put("admittedSuccessShare", 0.99);
    targets.put("refusalP99Ms", 100);
    targets.put("secondsToFire", 120);
    report.put("targets", targets);
    report.put("runs", runs);
    JsonNode best = scaleOutBest(out.getParent() != null ? out.getParent() : Path.of("results"));
    if (best != null && best.asDouble() != 0 && runs.containsKey("hardened")) {
      report.put("scaleOutBestOrdersPerSecond", best);
      report.put("hardenedShareOfScaleOutBest",
          need(need(runs.get("hardened"), "orders"), "ordersAnsweredPerSecond").asDouble() / best.asDouble());
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println(USAGE);
      System.exit(2);
    }
    var report = new ReplayReport(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
        Instant.now(), machine());
    if (!report.hasRuns()) {
      System.err.println("replay-report: no run has a summary");
      System.exit(1);
    }
    String text = report.write();
    report.plot();
    System.out.println(text);
    if (!report.hardenedAuditPassed()) {
      System.err.println("replay-report: the hardened run's audit failed");
      System.exit(1);
    }
  }

  boolean hasRuns() {
    return !runs.isEmpty();
  }

  /** False only when there is a hardened run and its audit did not pass. */
  boolean hardenedAuditPassed() {
    return !runs.containsKey("hardened") || need(need(runs.get("hardened"), "audit"), "passed").asBoolean();
  }

  /** Writes replay.json and replay.md; returns the Markdown. */
  String write() throws IOException {
    Files.writeString(out.resolve("replay.json"), json(), StandardCharsets.UTF_8);
    String text = markdown();
    Files.writeString(out.resolve("replay.md"), text, StandardCharsets.UTF_8);
    return text;
  }

  String json() {
    return PythonStyle.json(report);
  }

  /** "N cores, M GiB, Linux <release>" of this machine. */
  static String machine() throws IOException {
    long cores = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
    String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
        .map(l -> l.split("\\s+")[1]).findFirst().orElse(null);
    return cores + " cores, " + (mem == null ? "?" : Long.parseLong(mem) / 1048576) + " GiB, Linux "
        + System.getProperty("os.version");
  }

  /** The best orders/s of results/scale-out-latest.json, as written there; null when it cannot be read. */
  static JsonNode scaleOutBest(Path resultsDir) {
    try {
      JsonNode steps = JSON.readTree(resultsDir.resolve("scale-out-latest.json").toFile()).get("steps");
      JsonNode best = null;
      for (JsonNode step : steps) {
        JsonNode value = step.get("ordersPerSecond");
        if (value == null || !value.isNumber()) {
          return null;
        }
        if (best == null || value.asDouble() > best.asDouble()) {
          best = value;
        }
      }
      return best;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  String markdown() {
    var modes = new ArrayList<>(runs.keySet());
    var rows = new ArrayList<Map.Entry<String, Function<JsonNode, String>>>();
    row(rows, "order intents (one Idempotency-Key each)", r -> fmt(orders(r, "attempted")));
    row(rows, "… created (201)", r -> fmt(orders(r, "created")));
    row(rows, "… sold out (409)", r -> fmt(orders(r, "soldOut")));
    row(rows, "… refused after retries (503/429 + Retry-After)", r -> fmt(orders(r, "refused")));
    row(rows, "… failed (5xx without Retry-After, no answer)", r -> fmt(orders(r, "failed")));
    row(rows, "background shoppers' orders (ordinary SKUs): created / sold out / refused / failed",
        r -> population(r, "background"));
    row(rows, "surge orders (event SKUs): created / sold out / refused / failed", r -> population(r, "surge"));
    row(rows, "served share of attempted (201 + 409)", r -> fmt(orders(r, "successShare"), "%", 0));
    row(rows, "served share of admitted (not refused)", r -> fmt(orders(r, "admittedSuccessShare"), "%", 2));
    row(rows, "201 p50 / p99", r -> fmt(orders(r, "successP50Ms"), " ms", 0) + " / "
        + fmt(orders(r, "successP99Ms"), " ms", 0));
    row(rows, "refusals: count, p50 / p99 / max", r -> fmt(orders(r, "refusals")) + ": "
        + fmt(orders(r, "refusalP50Ms"), " ms", 0) + " / " + fmt(orders(r, "refusalP99Ms"), " ms", 0) + " / "
        + fmt(orders(r, "refusalMaxMs"), " ms", 0));
    row(rows, "refusals by problem: count (p50 / p99 ms)", r -> {
      JsonNode byProblem = need(r, "orders").path("refusalsByProblem");
      String cells = StreamSupport.stream(byProblem.properties().spliterator(), false)
          .map(e -> e.getKey() + ": " + grouped(need(e.getValue(), "count")) + " ("
              + fixed(need(e.getValue(), "p50Ms").asDouble(), 0) + " / "
              + fixed(need(e.getValue(), "p99Ms").asDouble(), 0) + ")")
          .collect(Collectors.joining("; "));
      return cells.isEmpty() ? NONE : cells;
    });
    row(rows, "order answers/s in the surge plateau", r -> fmt(orders(r, "ordersAnsweredPerSecond"), "", 1));
    row(rows, "lost orders (201 not in the database)", r -> fmt(audit(r, "lostOrders")));
    row(rows, "oversold units / SKUs with stock not conserved",
        r -> str(audit(r, "oversoldUnits")) + " / " + str(audit(r, "skusWithStockNotConserved")));
    row(rows, "double charges / charges without a paid order (not refunded)",
        r -> str(audit(r, "doubleCharges")) + " / " + str(audit(r, "chargesWithoutPaidOrder")));
    row(rows, "charges not explained by a paid order or a refund / refunds without a charge",
        r -> audits(r, "chargesUnexplained", "refundsWithoutCharge"));
    row(rows, "late charges (recorded after the service gave up) / of them without a webhook",
        r -> audits(r, "lateCharges", "lateChargesWithoutWebhook"));
    row(rows, "charges that paid their order after its answer was lost (webhook, lookup, sweep) / orphans found by "
        + "the sweep", r -> audits(r, "lateChargesPaidTheirOrder", "orphansFoundBySweep"));
    row(rows, "late charges reversed / reversals left REVERSING",
        r -> audits(r, "chargesReversed", "reversalsPending"));
    row(rows, "payments left AUTHORIZING / UNKNOWN",
        r -> str(audit(r, "paymentsAuthorizingLeft")) + " / " + str(audit(r, "paymentsUnknownLeft")));
    row(rows, "seconds to settle unknown payments and reversals after the load (late charges included)",
        r -> fmt(audit(r, "secondsToSettleAfterLoad"), " s", 0));
    row(rows, "audit", r -> audit(r, "passed").asBoolean() ? "passed" : "FAILED");
    row(rows, "CPU s: service / whole machine busy / available (load + audit)", r -> {
      JsonNode cpu = r.get("cpu");
      return cpu == null ? NONE : fixed(need(cpu, "serviceCpuSeconds").asDouble(), 0) + " / "
          + fixed(need(cpu, "machineBusyCpuSeconds").asDouble(), 0) + " / "
          + fixed(need(cpu, "machineCpuSeconds").asDouble(), 0);
    });
    var faults = new TreeSet<String>();
    runs.values().forEach(r -> need(r, "alerts").forEach(a -> faults.add(need(a, "fault").asText())));
    for (String fault : faults) {
      row(rows, "first alert naming " + fault, r -> {
        JsonNode a = StreamSupport.stream(need(r, "alerts").spliterator(), false)
            .filter(x -> need(x, "fault").asText().equals(fault)).findFirst().orElse(null);
        if (a == null) {
          return "not injected";
        }
        JsonNode alert = need(a, "alert");
        return alert.isNull() || alert.asText().isEmpty() ? "no naming alert fired"
            : alert.asText() + " after " + fixed(need(a, "secondsToFire").asDouble(), 0) + " s";
      });
    }
    var lines = new ArrayList<String>();
    lines.add("# Incident replay " + report.get("date"));
    lines.add("");
    lines.add("Machine: " + report.get("machine") + ". " + report.get("shape"));
    lines.add("");
    lines.add("| | " + String.join(" | ", modes) + " |");
    lines.add("|---|" + "---|".repeat(modes.size()));
    for (var row : rows) {
      lines.add("| " + row.getKey() + " | " + modes.stream().map(m -> row.getValue().apply(runs.get(m)))
          .collect(Collectors.joining(" | ")) + " |");
    }
    if (report.get("hardenedShareOfScaleOutBest") instanceof Double share) {
      lines.add("");
      lines.add("Hardened order answers/s as a share of the scale-out's best figure ("
          + fixed(((JsonNode) report.get("scaleOutBestOrdersPerSecond")).asDouble(), 0) + " orders/s): "
          + fixed(100 * share, 1) + "% (the replay's load is an open model: it offers what the surge offers, it "
          + "does not search for capacity).");
    }
    lines.add("");
    lines.add("Other alerts that fired (seconds since the run started):");
    lines.add("");
    for (String m : modes) {
      String fired = StreamSupport.stream(runs.get(m).path("alertsFiring").properties().spliterator(), false)
          .map(e -> e.getKey() + " " + fixed(e.getValue().asDouble(), 0) + " s").collect(Collectors.joining(", "));
      lines.add("- " + m + ": " + (fired.isEmpty() ? "none" : fired));
    }
    return String.join("\n", lines) + "\n";
  }

  /** The gnuplot script of replay.png, or null when no run has a timeseries.txt. */
  String gnuplotScript() {
    var series = runs.keySet().stream().filter(m -> Files.exists(out.resolve(m).resolve("timeseries.txt"))).toList();
    if (series.isEmpty()) {
      return null;
    }
    Function<String, String> colour = m -> COLOURS.getOrDefault(m, "#333333");
    BiFunction<Integer, String, String> lines = (column, suffix) -> series.stream()
        .map(m -> "'" + out + "/" + m + "/timeseries.txt' using 1:" + column + " every ::1 with lines lw 2 lc rgb '"
            + colour.apply(m) + "' title '" + m + suffix + "'").collect(Collectors.joining(", "));
    BiFunction<Integer, String, String> dashed = (column, suffix) -> series.stream()
        .map(m -> "'" + out + "/" + m + "/timeseries.txt' using 1:" + column + " every ::1 with lines dt 2 lw 1 lc rgb '"
            + colour.apply(m) + "' title '" + m + suffix + "'").collect(Collectors.joining(", "));
    return "\nset terminal pngcairo size 1200,1100 font ',10'\n"
        + "set output '" + out + "/replay.png'\n"
        + "set multiplot layout 3,1 title 'Incident replay: faults from second " + faultsAt + " for " + faultSeconds
        + " s (shaded)'\n"
        + "set xlabel 'seconds since the start'\n"
        + "set grid\n"
        + "set key top left\n"
        + "set obj 1 rect from " + faultsAt + ", graph 0 to " + (faultsAt + faultSeconds)
        + ", graph 1 fc rgb '#fff2cc' fs solid 0.5 behind\n"
        + "set ylabel 'requests/s'\n"
        + "set title 'Throughput: all requests answered per second'\n"
        + "plot " + lines.apply(2, "") + "\n"
        + "set ylabel '% of requests'\n"
        + "set title 'Error share: failures (5xx without Retry-After, no answer) and refusals (503/429 + "
        + "Retry-After)'\n"
        + "plot " + lines.apply(3, " failed") + ", " + dashed.apply(4, " refused") + "\n"
        + "set ylabel 'ms'\n"
        + "set logscale y\n"
        + "set title 'p99 latency in each second: order requests (solid) and all requests, payments included "
        + "(dashed)'\n"
        + "plot " + lines.apply(11, " orders") + ", " + dashed.apply(5, " all") + "\n"
        + "unset multiplot\n";
  }

  /** Draws replay.png with gnuplot; a missing or failing gnuplot leaves a note on stderr, not a failure. */
  void plot() throws InterruptedException {
    String script = gnuplotScript();
    if (script == null) {
      return;
    }
    Gnuplot.draw(script, "replay-report");
  }

  private static void row(List<Map.Entry<String, Function<JsonNode, String>>> rows, String label,
                          Function<JsonNode, String> cell) {
    rows.add(Map.entry(label, cell));
  }

  /** Python's {@code fmt(value)}: "–" for None, a whole number grouped, a float rounded to a whole grouped number. */
  static String fmt(JsonNode value) {
    return fmt(value, "", 0);
  }

  /** Python's {@code fmt(value, unit, digits)}; a float with unit "%" is a percentage of at least one decimal. */
  static String fmt(JsonNode value, String unit, int digits) {
    if (value == null || value.isNull()) {
      return NONE;
    }
    if (value.isFloatingPointNumber()) {
      return "%".equals(unit) ? fixed(100 * value.asDouble(), Math.max(digits, 1)) + "%"
          : groupedFixed(value.asDouble(), digits) + unit;
    }
    return grouped(value) + unit;
  }

  private static String grouped(JsonNode whole) {
    if (whole.isBoolean()) {
      return whole.asBoolean() ? "1" : "0";
    }
    return PythonStyle.grouped(whole.bigIntegerValue().toString());
  }

  private String audits(JsonNode run, String... keys) {
    return Arrays.stream(keys).map(k -> fmt(need(run, "audit").get(k))).collect(Collectors.joining(" / "));
  }

  private static String population(JsonNode run, String name) {
    JsonNode p = need(run, "orders").path("byPopulation").get(name);
    if (p == null) {
      return NONE;
    }
    return Stream.of("created", "soldOut", "refused", "failed")
        .map(k -> p.has(k) ? grouped(p.get(k)) : "0").collect(Collectors.joining(" / "));
  }

  private static JsonNode orders(JsonNode run, String key) {
    return need(need(run, "orders"), key);
  }

  private static JsonNode audit(JsonNode run, String key) {
    return need(need(run, "audit"), key);
  }

  /** The field, which a run's summary must have (as the report needs it). */
  private static JsonNode need(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null) {
      throw new IllegalStateException("a run's summary has no " + key);
    }
    return value;
  }
}
