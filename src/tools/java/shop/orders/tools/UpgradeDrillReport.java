package shop.orders.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The end of bin/upgrade-drill: waits (bounded) until the service has settled, gathers the audit's facts (the
 * shoppers' CSV, PostgreSQL, the gateway simulator's charge list and refund lookups, the drill's queue: DrillFacts), audits them
 * (DrillAudit) and writes {@code <OUT>.json}, {@code <OUT>.md}, {@code <OUT>.png} (gnuplot) and
 * {@code <OUT>-timeline.dat}. Reads its inputs from the environment the script sets:
 * <pre>
 *   OUT REQUESTS TIMELINE SEED_STOCK HAPROXY_LOG DB_URL GATEWAY_URL AMQP_URL QUEUE SETTLE_SECONDS
 *   DATE MACHINE PREVIOUS_SHA CURRENT SHOPPERS PHASE_SECONDS SMOKE
 * </pre>
 * Exits 0 when the audit passed, 1 when it failed or the service did not settle.
 */
public final class UpgradeDrillReport {
  private static final Map<String, String> STATE_COLOURS = Map.of("previous", "#4472c4", "current", "#1a7f37",
      "draining", "#ed7d31", "stopped", "#bfbfbf", "starting", "#ffd966");
  /** HAProxy's httplog: backend/server, the five timers, status, bytes, cookies, termination state, conn counts. */
  private static final Pattern HTTPLOG = Pattern.compile(
      " (\\S+)/(\\S+) -?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?-?\\d+ (\\d{3}) \\S+ \\S+ \\S+ (\\S{4}) \\d+/\\d+/\\d+/\\d+/(\\+?\\d+) ");

  private final DrillEnd drill;

  UpgradeDrillReport(Map<String, String> env) {
    this.drill = new DrillEnd(env);
  }

  public static void main(String[] args) throws Exception {
    System.exit(new UpgradeDrillReport(System.getenv()).run() ? 0 : 1);
  }

  boolean run() throws Exception {
    var settled = drill.settle(DrillRequest::second);
    var requests = settled.requests();
    var timeline = settled.timeline();
    Map<String, Object> audit = DrillAudit.audit(settled.facts());
    boolean passed = (Boolean) audit.get("passed") && settled.settled();

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", drill.get("DATE", ""));
    report.put("machine", drill.get("MACHINE", ""));
    report.put("previousRelease", drill.get("PREVIOUS_SHA", ""));
    report.put("currentBuild", drill.get("CURRENT", ""));
    report.put("shoppers", drill.get("SHOPPERS", ""));
    report.put("phaseSeconds", drill.get("PHASE_SECONDS", ""));
    drill.putOutcome(report, settled, passed);
    report.put("outcomes", DrillEnd.outcomeCounts(requests));
    report.put("outcomesByKind", byKind(requests));
    report.put("phases", DrillEnd.phases(timeline, requests));
    report.put("instanceExits", timeline.exits().stream().map(e -> Map.of("instance", e.instance(),
        "second", e.second(), "exitMillis", e.millis(), "exitCode", e.code())).toList());
    report.put("notPromised", DrillEnd.notPromised(settled));
    String haproxyLog = drill.get("HAPROXY_LOG", null);
    if (haproxyLog != null && Files.exists(Path.of(haproxyLog))) {
      report.put("loadBalancer", loadBalancer(Files.readAllLines(Path.of(haproxyLog))));
    }
    report.put("audit", audit);
    report.put("chart", drill.chart());

    String previous = drill.get("PREVIOUS_SHA", "");
    String current = drill.get("CURRENT", "");
    drill.write(report, DrillTimeline.perSecondData(requests), markdown(report, timeline),
        (png, data) -> gnuplotScript(png, data, timeline, previous, current), "upgrade-drill");
    System.out.println(summary(report));
    return passed;
  }

  private static Map<String, Map<String, Integer>> byKind(List<DrillRequest> requests) {
    var result = new TreeMap<String, Map<String, Integer>>();
    requests.stream().collect(Collectors.groupingBy(DrillRequest::kind))
        .forEach((kind, rows) -> result.put(kind, DrillEnd.outcomeCounts(rows)));
    return result;
  }

  /** Per server: answers of 5xx by status and termination state, and requests HAProxy sent again elsewhere. */
  static Map<String, Object> loadBalancer(List<String> log) {
    Map<String, Map<String, Integer>> serverErrors = new TreeMap<>();
    Map<String, Integer> retried = new TreeMap<>();
    for (String line : log) {
      var m = HTTPLOG.matcher(line);
      if (!m.find()) {
        continue;
      }
      String server = m.group(2);
      int status = Integer.parseInt(m.group(3));
      if (status >= 500) {
        serverErrors.computeIfAbsent(server, k -> new TreeMap<>()).merge(status + " " + m.group(4), 1,
            Integer::sum);
      }
      if (!m.group(5).equals("0")) {
        retried.merge(server, 1, Integer::sum);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("serverErrorsByServer", serverErrors);
    result.put("retriedOrRedispatchedByServer", retried);
    return result;
  }

  // --- writing --------------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static String summary(Map<String, Object> report) {
    var audit = (Map<String, Object>) report.get("audit");
    return "upgrade drill: " + ((Boolean) report.get("passed") ? "PASSED" : "FAILED") + "; requests "
        + report.get("outcomes") + "; failed rules " + audit.get("failedRules");
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> report, DrillTimeline timeline) {
    var md = new StringBuilder();
    var audit = (Map<String, Object>) report.get("audit");
    md.append("# Upgrade drill ").append(report.get("date")).append("\n\n");
    md.append("Rolling upgrade from the previous release (").append(report.get("previousRelease"))
        .append(") to the current build (").append(report.get("currentBuild"))
        .append(") and back, two instances behind HAProxy, ").append(report.get("shoppers"))
        .append(" shoppers, each state held ").append(report.get("phaseSeconds")).append(" s")
        .append(Boolean.TRUE.equals(report.get("smoke")) ? " (smoke run)" : "").append("; ")
        .append(report.get("machine")).append(".\n\n");
    md.append("**Audit: ").append((Boolean) report.get("passed") ? "passed" : "FAILED").append("**");
    var failed = (List<String>) audit.get("failedRules");
    if (!failed.isEmpty()) {
      md.append(" (").append(String.join(", ", failed)).append(")");
    }
    md.append(report.get("settledAfterSeconds") == null ? "; the service did not settle in time" : "; settled "
        + report.get("settledAfterSeconds") + " s after the load").append(".\n\n");
    md.append("![timeline](").append(report.get("chart"))
        .append(")\n\n");
    md.append("## Answers by phase\n\n| phase | from s | to s | ")
        .append(String.join(" | ", DrillRequest.OUTCOMES)).append(" | total |\n|---|---:|---:|")
        .append("---:|".repeat(DrillRequest.OUTCOMES.size() + 1)).append('\n');
    for (var phase : (List<Map<String, Object>>) report.get("phases")) {
      var counts = (Map<String, Integer>) phase.get("outcomes");
      md.append("| ").append(phase.get("phase")).append(" | ")
          .append(String.format(Locale.ROOT, "%.1f | %.1f", (Double) phase.get("from"), (Double) phase.get("to")));
      DrillRequest.OUTCOMES.forEach(o -> md.append(" | ").append(counts.get(o)));
      md.append(" | ").append(counts.get("total")).append(" |\n");
    }
    var all = (Map<String, Integer>) report.get("outcomes");
    md.append("| all | | |");
    DrillRequest.OUTCOMES.forEach(o -> md.append(' ').append(all.get(o)).append(" |"));
    md.append(' ').append(all.get("total")).append(" |\n\n");
    md.append("## Audit\n\n| rule | violations |\n|---|---:|\n");
    ((Map<String, Long>) audit.get("rules")).forEach((rule, n) -> md.append("| ").append(rule).append(" | ")
        .append(n).append(n == 0 ? "" : " **FAIL**").append(" |\n"));
    md.append("\nFigures: ").append(audit.get("figures")).append("\n\n");
    md.append("## Instances\n\n");
    for (var exit : timeline.exits()) {
      md.append(String.format(Locale.ROOT, "- instance %d exited %.1f s after SIGTERM (second %.1f), exit code %d%n",
          exit.instance(), exit.millis() / 1000.0, exit.second() - exit.millis() / 1000.0, exit.code()));
    }
    if (report.containsKey("loadBalancer")) {
      md.append("\nHAProxy: ").append(report.get("loadBalancer")).append("\n");
    }
    var bad = (List<Map<String, Object>>) report.get("notPromised");
    if (!bad.isEmpty()) {
      md.append("\n## Answers the API does not promise (first 50)\n\n| second | phase | kind | status | outcome | detail |\n")
          .append("|---:|---|---|---:|---|---|\n");
      bad.stream().limit(50).forEach(r -> md.append(String.format(Locale.ROOT, "| %.3f | %s | %s | %s | %s | %s |%n",
          (Double) r.get("second"), r.get("phase"), r.get("kind"), r.get("status"), r.get("outcome"),
          r.get("detail"))));
    }
    return md.toString();
  }

  /**
   * The chart: requests per second by outcome class (top; dashed lines where an instance was taken out) and each
   * instance's state and version over time (bottom).
   */
  static String gnuplotScript(String png, String data, DrillTimeline timeline, String previous, String current) {
    var s = new StringBuilder();
    s.append("set terminal pngcairo size 1200,800 font ',10'\n")
        .append("set output '").append(png).append("'\n")
        .append("set multiplot layout 2,1 title 'Upgrade drill: previous ").append(previous).append(" -> current ")
        .append(current).append(" -> previous'\n")
        .append("set xrange [0:").append(String.format(Locale.ROOT, "%.1f", Math.max(1, timeline.end())))
        .append("]\nset grid\nset key outside right top\n")
        .append("set lmargin 10\nset rmargin 28\n")
        .append("set size 1,0.62\nset origin 0,0.33\n")
        .append("set ylabel 'requests/s'\nset title 'Answers per second by outcome class'\n");
    int arrow = 1;
    for (var band : timeline.bands()) {
      if (band.state().equals("draining")) {
        s.append(String.format(Locale.ROOT, "set arrow %d from %.2f, graph 0 to %.2f, graph 1 nohead dt 2 lc rgb '%s'%n",
            arrow++, band.from(), band.from(), STATE_COLOURS.get("draining")));
      }
    }
    var plots = new ArrayList<String>();
    for (int i = 0; i < DrillRequest.OUTCOMES.size(); i++) {
      String outcome = DrillRequest.OUTCOMES.get(i);
      plots.add("'" + data + "' using 1:" + (i + 2) + " with lines lw " + (i == 0 ? 2 : 1.5) + " lc rgb '"
          + DrillRequest.COLOURS.get(outcome) + "' title '" + outcome + "'");
    }
    s.append("plot ").append(String.join(", ", plots)).append('\n');
    s.append("unset arrow\nset size 1,0.33\nset origin 0,0\n")
        .append("set title 'Instances: version and state'\nset xlabel 'seconds since the load started'\n")
        .append("set ylabel ''\nunset grid\n");
    int instances = timeline.bands().stream().mapToInt(DrillTimeline.Band::instance).max().orElse(1);
    s.append("set yrange [0.4:").append(instances).append(".6]\nset ytics (");
    for (int i = 1; i <= instances; i++) {
      s.append(i == 1 ? "" : ", ").append("'i").append(i).append("' ").append(i);
    }
    s.append(")\n");
    int object = 1;
    for (var band : timeline.bands()) {
      String key = band.state().equals("serving") ? band.version() : band.state();
      s.append(String.format(Locale.ROOT,
          "set object %d rect from %.2f, %.2f to %.2f, %.2f fc rgb '%s' fs solid 0.8 noborder%n", object++,
          band.from(), band.instance() - 0.35, Math.max(band.to(), band.from() + 0.05), band.instance() + 0.35,
          STATE_COLOURS.getOrDefault(key, "#333333")));
    }
    var legend = new ArrayList<String>();
    for (String state : List.of("previous", "current", "draining", "stopped", "starting")) {
      legend.add("NaN with boxes fs solid 0.8 lc rgb '" + STATE_COLOURS.get(state) + "' title '"
          + (state.equals("previous") ? "serving previous " + previous
          : state.equals("current") ? "serving current " + current : state) + "'");
    }
    s.append("plot ").append(String.join(", ", legend)).append("\nunset multiplot\n");
    return s.toString();
  }
}
