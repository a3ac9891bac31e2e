package shop.orders.tools;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The end of bin/failover-drill: waits (bounded) until the service has settled on the new primary, gathers the
 * audit's facts there (DrillFacts), audits them (DrillAudit) and measures the failover from the shoppers' CSV and the
 * timeline: how long after the fence orders were 201 again, the answers meanwhile by kind, readiness, and the orders
 * answered 201 that the new primary does not have. Writes {@code <OUT>.json}, {@code <OUT>.md}, {@code <OUT>.png}
 * (gnuplot) and {@code <OUT>-timeline.dat}. Reads its inputs from the environment the script sets:
 * <pre>
 *   OUT REQUESTS TIMELINE SEED_STOCK DB_URL GATEWAY_URL AMQP_URL QUEUE SETTLE_SECONDS MODE REPLICATION_AT_FENCE
 *   DATE MACHINE CURRENT SHOPPERS BEFORE_SECONDS PROMOTE_AFTER AFTER_SECONDS PROBE_MILLIS STALL_SECONDS FENCE
 *   PRIMARY_PORT STANDBY_PORT SMOKE
 * </pre>
 * The timeline's marks: {@code fence} (the primary is being stopped), {@code fenced} (it is gone), {@code promote},
 * {@code promoted} (the standby is the primary); its bands: instance 1 the old primary, 2 the standby, 3 the service's
 * readiness ({@code ready}, {@code not-ready}); a {@code stall} mark and the standby's {@code stalled} band when it
 * stopped receiving before the fence.
 * <p>
 * With synchronous replication every rule must count 0. With asynchronous replication the commits the standby had
 * not received when the primary stopped are lost, with what follows from them (orders answered 201 and gone, charges
 * of payments the new primary never heard of, events published for rows it does not have): those rules
 * ({@link #LOST_WITH_ASYNC_COMMITS}) are counted and reported, not failed. Events received twice are reported in both
 * modes: a batch the broker confirmed but whose mark was lost with the old primary is published again, as the relay
 * promises (at least once, consumers deduplicate by id).
 * <p>
 * Exits 0 when the audit passed, 1 when it failed or the service did not settle.
 */
public final class FailoverDrillReport {
  /** Rules lost commits can break: counted and reported, not failed, with asynchronous replication. */
  static final Set<String> LOST_WITH_ASYNC_COMMITS = Set.of("lostOrders", "chargesWithoutPaidOrderOrRefund",
      "paidOrdersWithoutExactlyOneCharge", "refundedChargesOfPaidOrders", "eventsReceivedUnknown",
      "ordersReceivedOutOfOrder");
  /** Reported in every mode: at least once, across a failover too. */
  static final String REPEATS = "eventsReceivedMoreThanOnce";
  /** The requests that place an order: the shoppers' and the probe's (UpgradeDrillLoad). */
  static final List<String> ORDER_KINDS = List.of("order", "checkout", "probe");
  /** See {@link #failover}. */
  static final double READY_WITHOUT_PRIMARY_TOLERANCE = 2.0;
  private static final Map<String, String> STATE_COLOURS = Map.of("primary", "#1a7f37", "standby", "#4472c4",
      "stalled", "#8250df", "stopped", "#bfbfbf", "ready", "#1a7f37", "not-ready", "#ed7d31");

  private final DrillEnd drill;

  FailoverDrillReport(Map<String, String> env) {
    this.drill = new DrillEnd(env);
  }

  public static void main(String[] args) throws Exception {
    System.exit(new FailoverDrillReport(System.getenv()).run() ? 0 : 1);
  }

  boolean run() throws Exception {
    boolean sync = !"async".equals(drill.get("MODE", "sync"));
    var settled = drill.settle(DrillRequest::answered);
    var requests = settled.requests();
    var timeline = settled.timeline();
    Map<String, Object> audit = DrillAudit.audit(settled.facts(), reportedOnly(sync));
    Map<String, Object> failover = failover(requests, timeline, settled.facts().ordersInDb());
    @SuppressWarnings("unchecked")
    var failoverRules = (Map<String, Long>) failover.get("rules");
    boolean passed = (Boolean) audit.get("passed") && settled.settled()
        && failoverRules.values().stream().allMatch(n -> n == 0);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", drill.get("DATE", ""));
    report.put("machine", drill.get("MACHINE", ""));
    report.put("build", drill.get("CURRENT", ""));
    report.put("replication", sync ? "sync" : "async");
    report.put("replicationAtFence", drill.get("REPLICATION_AT_FENCE", ""));
    report.put("shoppers", drill.get("SHOPPERS", ""));
    report.put("beforeSeconds", drill.get("BEFORE_SECONDS", ""));
    report.put("promoteAfterSeconds", drill.get("PROMOTE_AFTER", ""));
    report.put("afterSeconds", drill.get("AFTER_SECONDS", ""));
    report.put("probeMillis", drill.get("PROBE_MILLIS", ""));
    report.put("stallSeconds", drill.get("STALL_SECONDS", "0"));
    report.put("fence", drill.get("FENCE", "stop"));
    report.put("primaryPort", drill.get("PRIMARY_PORT", ""));
    report.put("standbyPort", drill.get("STANDBY_PORT", ""));
    drill.putOutcome(report, settled, passed);
    report.put("failover", failover);
    report.put("outcomes", DrillEnd.outcomeCounts(requests));
    report.put("phases", DrillEnd.phases(timeline, requests));
    report.put("notPromised", DrillEnd.notPromised(settled));
    report.put("audit", audit);
    report.put("chart", drill.chart());

    drill.write(report, perSecondData(requests), markdown(report),
        (png, data) -> gnuplotScript(png, data, timeline, report), "failover-drill");
    System.out.println(summary(report));
    return passed;
  }

  static Set<String> reportedOnly(boolean sync) {
    var rules = new java.util.HashSet<>(Set.of(REPEATS));
    if (!sync) {
      rules.addAll(LOST_WITH_ASYNC_COMMITS);
    }
    return rules;
  }

  /**
   * The failover's figures and its own rules (each must count 0 in every mode):
   * <ul>
   *   <li>{@code ordersNot201AgainAfterTheFailover}: no order or checkout sent after the old primary was gone was
   *       answered 201;</li>
   *   <li>{@code ordersAnswered201AfterThePromotionMissing}: an order answered 201 after the promotion that the new
   *       primary does not have (it can only have been written to the new primary);</li>
   *   <li>{@code readinessNotUpAfterTheFailover}: the service's readiness was not UP at the end;</li>
   *   <li>{@code readinessUpWithoutAPrimaryOverTwoSeconds}: readiness said UP for more than 2 s in all while there was
   *       no primary (from the moment the old one was gone until the promotion began): the drill polls every 0.2 s
   *       and stamps an answer when it comes, and a readiness check waits up to the pool's acquisition timeout (1 s)
   *       for a connection, so an honest readiness may lag the truth by a little over a second.</li>
   * </ul>
   * The promotion counts from the moment it was asked for ({@code promote}): pg_ctl promote returns only once it
   * has seen the change, and the new primary takes writes before that.
   */
  static Map<String, Object> failover(List<DrillRequest> requests, DrillTimeline timeline, Set<String> ordersInDb) {
    double fence = timeline.mark("fence").orElseThrow(() -> new IllegalArgumentException("no fence in the timeline"));
    double fenced = timeline.mark("fenced").orElse(fence);
    double promote = timeline.mark("promote").orElse(fenced);
    double promoted = timeline.mark("promoted").orElse(promote);
    var orders201 = requests.stream().filter(r -> ORDER_KINDS.contains(r.kind()) && r.placedOrder()).toList();
    OptionalDouble lastBefore = orders201.stream().mapToDouble(DrillRequest::answered).filter(a -> a <= fence).max();
    OptionalDouble firstAfter = orders201.stream().filter(r -> r.second() >= fenced)
        .mapToDouble(DrillRequest::answered).min();
    double recovered = firstAfter.orElse(timeline.end());

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("fenceSecond", round(fence));
    result.put("fencedSecond", round(fenced));
    result.put("promoteSecond", round(promote));
    result.put("promotedSecond", round(promoted));
    result.put("secondsToFence", round(fenced - fence));
    result.put("secondsToPromote", round(promoted - promote));
    result.put("lastOrder201BeforeTheFenceSecondsBefore", lastBefore.isPresent() ? round(fence - lastBefore.getAsDouble())
        : null);
    result.put("orders201AgainSecondsAfterTheFence", firstAfter.isPresent() ? round(recovered - fenced) : null);
    result.put("orders201AgainSecondsAfterThePromotion", firstAfter.isPresent() ? round(recovered - promote) : null);
    result.put("windowFrom", round(fence));
    result.put("windowTo", round(recovered));
    result.put("answersInTheWindowByKind", answersByKind(requests.stream()
        .filter(r -> r.answered() >= fence && r.answered() <= recovered).toList()));
    result.put("answersInTheWindow", DrillEnd.outcomeCounts(requests.stream()
        .filter(r -> r.answered() >= fence && r.answered() <= recovered).toList()));

    var missing = orders201.stream().filter(r -> !ordersInDb.contains(r.orderId()))
        .collect(Collectors.toMap(DrillRequest::orderId, DrillRequest::answered, Math::min, TreeMap::new));
    long answered201 = orders201.stream().map(DrillRequest::orderId).distinct().count();
    long answeredBefore = orders201.stream().filter(r -> r.answered() < fenced).map(DrillRequest::orderId).distinct()
        .count();
    result.put("ordersAnswered201", answered201);
    result.put("ordersAnswered201BeforeTheFailover", answeredBefore);
    result.put("ordersAnswered201Missing", missing.size());
    result.put("missingOrders", missing.entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(100)
        .map(e -> Map.of("order", e.getKey(), "answeredSecondsBeforeTheFence", round(fence - e.getValue())))
        .toList());

    var readiness = timeline.bands().stream().filter(b -> b.instance() == 3).toList();
    OptionalDouble down = readiness.stream().filter(b -> b.state().equals("not-ready") && b.from() >= fence)
        .mapToDouble(DrillTimeline.Band::from).min();
    OptionalDouble up = readiness.stream().filter(b -> b.state().equals("ready") && b.from() >= promote)
        .mapToDouble(DrillTimeline.Band::from).min();
    double readyWithoutPrimary = readiness.stream().filter(b -> b.state().equals("ready"))
        .mapToDouble(b -> Math.max(0, Math.min(b.to(), promote) - Math.max(b.from(), fenced))).sum();
    result.put("readinessDownSecondsAfterTheFence", down.isPresent() ? round(down.getAsDouble() - fence) : null);
    result.put("readinessUpSecondsAfterThePromotion", up.isPresent() ? round(up.getAsDouble() - promote) : null);
    result.put("readinessUpWithoutAPrimarySeconds", round(readyWithoutPrimary));
    boolean readyAtEnd = !readiness.isEmpty()
        && readiness.stream().max(Comparator.comparingDouble(DrillTimeline.Band::from)).get().state().equals("ready");

    Map<String, Long> rules = new LinkedHashMap<>();
    rules.put("ordersNot201AgainAfterTheFailover", firstAfter.isPresent() ? 0L : 1L);
    rules.put("ordersAnswered201AfterThePromotionMissing",
        missing.values().stream().filter(a -> a > promoted).count());
    rules.put("readinessNotUpAfterTheFailover", readyAtEnd ? 0L : 1L);
    rules.put("readinessUpWithoutAPrimaryOverTwoSeconds", readyWithoutPrimary > READY_WITHOUT_PRIMARY_TOLERANCE
        ? 1L : 0L);
    result.put("rules", rules);
    return result;
  }

  /** Per kind, the answers counted by status and problem type ("201", "503 database-unavailable", "0 timeout"). */
  static Map<String, Map<String, Integer>> answersByKind(List<DrillRequest> requests) {
    var result = new TreeMap<String, Map<String, Integer>>();
    for (DrillRequest r : requests) {
      String answer = r.status() == 0 ? "no answer"
          : r.status() + (r.detail() == null || r.detail().isEmpty() ? "" : " " + r.detail());
      result.computeIfAbsent(r.kind(), k -> new TreeMap<>()).merge(answer, 1, Integer::sum);
    }
    return result;
  }

  /** The per-second counts of DrillTimeline, and a last column: orders and checkouts answered 201 that second. */
  static String perSecondData(List<DrillRequest> requests) {
    var orders = new TreeMap<Integer, Integer>();
    requests.stream().filter(r -> ORDER_KINDS.contains(r.kind()) && r.status() == 201)
        .forEach(r -> orders.merge(Math.max(0, (int) Math.floor(r.second())), 1, Integer::sum));
    var out = new StringBuilder();
    for (String line : DrillTimeline.perSecondData(requests).split("\n")) {
      if (line.startsWith("#")) {
        out.append(line).append(" orders-201\n");
      } else if (!line.isBlank()) {
        out.append(line).append(' ').append(orders.getOrDefault(Integer.parseInt(line.split(" ")[0]), 0))
            .append('\n');
      }
    }
    return out.toString();
  }

  /** The primary was lost by FENCE=freeze (its processes suspended) rather than stopped. */
  private static boolean frozen(Map<String, Object> report) {
    return "freeze".equals(report.get("fence"));
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  // --- writing --------------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static String summary(Map<String, Object> report) {
    var audit = (Map<String, Object>) report.get("audit");
    var failover = (Map<String, Object>) report.get("failover");
    return "failover drill (" + report.get("replication") + "): " + ((Boolean) report.get("passed") ? "PASSED"
        : "FAILED") + "; orders 201 again " + failover.get("orders201AgainSecondsAfterTheFence")
        + " s after the fence; orders answered 201 and missing " + failover.get("ordersAnswered201Missing")
        + "; requests " + report.get("outcomes") + "; failed rules " + audit.get("failedRules") + " "
        + ((Map<String, Long>) failover.get("rules")).entrySet().stream().filter(e -> e.getValue() != 0)
        .map(Map.Entry::getKey).toList() + "; reported " + audit.get("reportedRules");
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> report) {
    var md = new StringBuilder();
    var audit = (Map<String, Object>) report.get("audit");
    var failover = (Map<String, Object>) report.get("failover");
    var failoverRules = (Map<String, Long>) failover.get("rules");
    md.append("# Failover drill ").append(report.get("date")).append("\n\n");
    md.append("Replication ").append(report.get("replication")).append(": primary 127.0.0.1:")
        .append(report.get("primaryPort")).append(frozen(report)
            ? " lost (its processes suspended, its connections left open and silent) after "
            : " fenced (stopped at once) after ").append(report.get("beforeSeconds"))
        .append(" s of load");
    if (!"0".equals(String.valueOf(report.getOrDefault("stallSeconds", "0")))) {
      md.append(" (the standby receiving nothing for the last ").append(report.get("stallSeconds")).append(" s)");
    }
    md.append(", standby 127.0.0.1:").append(report.get("standbyPort")).append(" promoted ")
        .append(report.get("promoteAfterSeconds")).append(" s later, then ").append(report.get("afterSeconds"))
        .append(" s more; ").append(report.get("shoppers")).append(" shoppers and a probe placing an order every ")
        .append(report.get("probeMillis")).append(" ms, on one instance of ")
        .append(report.get("build")).append(" with the multi-host URL (targetServerType=primary)")
        .append(Boolean.TRUE.equals(report.get("smoke")) ? " (smoke run)" : "").append("; ")
        .append(report.get("machine")).append(".\n\n");
    var failed = new ArrayList<>((List<String>) audit.get("failedRules"));
    failoverRules.forEach((rule, n) -> {
      if (n != 0) {
        failed.add(rule);
      }
    });
    md.append("**Audit: ").append((Boolean) report.get("passed") ? "passed" : "FAILED").append("**");
    if (!failed.isEmpty()) {
      md.append(" (").append(String.join(", ", failed)).append(")");
    }
    md.append(report.get("settledAfterSeconds") == null ? "; the service did not settle in time" : "; settled "
        + report.get("settledAfterSeconds") + " s after the load").append(".\n\n");
    md.append("![timeline](").append(report.get("chart")).append(")\n\n");
    md.append("## The failover\n\n| figure | value |\n|---|---|\n");
    row(md, "standby at the fence (as the primary saw it just before)", report.get("replicationAtFence"));
    row(md, frozen(report) ? "primary gone (its processes suspended)"
        : "primary gone (pg_ctl stop -m immediate returned)", failover.get("secondsToFence") + " s after the fence began");
    row(md, "promotion (pg_ctl promote, asked for at " + failover.get("promoteSecond") + " s)",
        "returned after " + failover.get("secondsToPromote") + " s");
    row(md, "last order answered 201 before the fence", failover.get("lastOrder201BeforeTheFenceSecondsBefore")
        + " s before it");
    row(md, "orders 201 again (the first order, the probe's or a shopper's, sent after the primary was gone)",
        failover.get("orders201AgainSecondsAfterTheFence") + " s after the fence, "
            + failover.get("orders201AgainSecondsAfterThePromotion") + " s after the promotion");
    row(md, "readiness DOWN", failover.get("readinessDownSecondsAfterTheFence") == null ? "never"
        : failover.get("readinessDownSecondsAfterTheFence") + " s after the fence");
    row(md, "readiness UP again", failover.get("readinessUpSecondsAfterThePromotion") == null ? "never"
        : failover.get("readinessUpSecondsAfterThePromotion") + " s after the promotion");
    row(md, "readiness UP while no primary existed", failover.get("readinessUpWithoutAPrimarySeconds") + " s");
    row(md, "orders answered 201", failover.get("ordersAnswered201") + " (" + failover.get(
        "ordersAnswered201BeforeTheFailover") + " before the primary was gone)");
    row(md, "orders answered 201 and missing after the failover", failover.get("ordersAnswered201Missing"));
    var all = (Map<String, Integer>) report.get("outcomes");
    row(md, "answers outside the contract (5xx but 503/429 with Retry-After, a 4xx it does not promise, no answer)",
        all.get(DrillRequest.SERVER_ERROR) + all.get(DrillRequest.NO_ANSWER) + all.get(DrillRequest.UNPROMISED_4XX));
    md.append('\n');

    md.append(String.format(Locale.ROOT, "## Answers from the fence until orders were 201 again (%.1f-%.1f s)%n%n",
        (Double) failover.get("windowFrom"), (Double) failover.get("windowTo")));
    md.append("| kind | answers |\n|---|---|\n");
    ((Map<String, Map<String, Integer>>) failover.get("answersInTheWindowByKind")).forEach((kind, answers) ->
        md.append("| ").append(kind).append(" | ").append(answers.entrySet().stream()
            .map(e -> e.getValue() + " × " + e.getKey()).collect(Collectors.joining(", "))).append(" |\n"));
    md.append('\n');

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
    md.append("| all | | |");
    DrillRequest.OUTCOMES.forEach(o -> md.append(' ').append(all.get(o)).append(" |"));
    md.append(' ').append(all.get("total")).append(" |\n\n");

    md.append("## Audit\n\n| rule | count |\n|---|---:|\n");
    var reported = (Map<String, Long>) audit.get("reportedRules");
    ((Map<String, Long>) audit.get("rules")).forEach((rule, n) -> md.append("| ").append(rule).append(" | ")
        .append(n).append(n == 0 ? "" : reported.containsKey(rule) ? " (reported)" : " **FAIL**").append(" |\n"));
    failoverRules.forEach((rule, n) -> md.append("| ").append(rule).append(" | ").append(n)
        .append(n == 0 ? "" : " **FAIL**").append(" |\n"));
    md.append("\nFigures: ").append(audit.get("figures")).append("\n");
    var missing = (List<Map<String, Object>>) failover.get("missingOrders");
    if (!missing.isEmpty()) {
      md.append("\n## Orders answered 201 and missing after the failover (first 100)\n\n")
          .append("| order | answered s before the fence |\n|---|---:|\n");
      missing.forEach(m -> md.append("| ").append(m.get("order")).append(" | ")
          .append(m.get("answeredSecondsBeforeTheFence")).append(" |\n"));
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

  private static void row(StringBuilder md, String figure, Object value) {
    md.append("| ").append(figure).append(" | ").append(value).append(" |\n");
  }

  /**
   * The chart: answers per second by outcome class and orders answered 201 per second (top; dashed lines at the
   * fence and the promotion), and below, the two servers' roles and the service's readiness over time.
   */
  @SuppressWarnings("unchecked")
  static String gnuplotScript(String png, String data, DrillTimeline timeline, Map<String, Object> report) {
    var s = new StringBuilder();
    double end = Math.max(1, timeline.end());
    String lost = frozen(report) ? "frozen" : "fenced";
    s.append("set terminal pngcairo size 1200,800 font ',10'\n")
        .append("set output '").append(png).append("'\n")
        .append("set multiplot layout 2,1 title 'Failover drill (").append(report.get("replication"))
        .append(" replication): primary :").append(report.get("primaryPort")).append(" ").append(lost).append(", standby :")
        .append(report.get("standbyPort")).append(" promoted'\n")
        .append(String.format(Locale.ROOT, "set xrange [0:%.1f]%n", end))
        .append("set grid\nset key outside right top\nset lmargin 17\nset rmargin 28\n")
        .append("set size 1,0.62\nset origin 0,0.33\n")
        .append("set ylabel 'answers/s'\nset title 'Answers per second by outcome class (by the second they were sent)'\n");
    int arrow = 1;
    for (var mark : timeline.marks()) {
      if (mark.name().equals("fenced") || mark.name().equals("promoted")) {
        s.append(String.format(Locale.ROOT,
            "set arrow %d from %.2f, graph 0 to %.2f, graph 1 nohead dt 2 lw 1.5 lc rgb '%s'%n", arrow++,
            mark.second(), mark.second(), mark.name().equals("fenced") ? "#cf222e" : "#1a7f37"));
        s.append(String.format(Locale.ROOT, "set label %d '%s' at %.2f, graph 0.97 %s font ',9'%n", arrow,
            mark.name().equals("fenced") ? "primary " + lost : "standby promoted", mark.second(),
            mark.name().equals("fenced") ? "right offset -0.5,0" : "left offset 0.5,0"));
      }
    }
    var plots = new ArrayList<String>();
    for (int i = 0; i < DrillRequest.OUTCOMES.size(); i++) {
      String outcome = DrillRequest.OUTCOMES.get(i);
      plots.add("'" + data + "' using 1:" + (i + 2) + " with lines lw " + (i == 0 ? 2 : 1.5) + " lc rgb '"
          + DrillRequest.COLOURS.get(outcome) + "' title '" + outcome + "'");
    }
    plots.add("'" + data + "' using 1:" + (DrillRequest.OUTCOMES.size() + 2)
        + " with lines lw 1.5 dt 3 lc rgb '#0969da' title 'orders 201'");
    s.append("plot ").append(String.join(", ", plots)).append('\n');
    s.append("unset arrow\nunset label\nset size 1,0.33\nset origin 0,0\n")
        .append("set title 'Servers and the service''s readiness'\nset xlabel 'seconds since the load started'\n")
        .append("set ylabel ''\nunset grid\nset yrange [0.4:3.6]\n")
        .append("set ytics ('readiness' 1, 'standby :").append(report.get("standbyPort")).append("' 2, 'primary :")
        .append(report.get("primaryPort")).append("' 3)\n");
    int object = 1;
    for (var band : timeline.bands()) {
      // instance 1 (the old primary) on top, the readiness (3) at the bottom
      int row = 4 - band.instance();
      s.append(String.format(Locale.ROOT,
          "set object %d rect from %.2f, %.2f to %.2f, %.2f fc rgb '%s' fs solid 0.8 noborder%n", object++,
          band.from(), row - 0.35, Math.max(band.to(), band.from() + 0.05), row + 0.35,
          STATE_COLOURS.getOrDefault(band.state(), "#333333")));
    }
    var legend = new ArrayList<String>();
    var states = new ArrayList<>(List.of("primary", "standby", "stopped", "not-ready"));
    if (timeline.bands().stream().anyMatch(b -> b.state().equals("stalled"))) {
      states.add(2, "stalled");
    }
    for (String state : states) {
      legend.add("NaN with boxes fs solid 0.8 lc rgb '" + STATE_COLOURS.get(state) + "' title '"
          + (state.equals("primary") ? "primary / ready" : state.equals("stalled") ? "standby, receiving nothing"
          : state) + "'");
    }
    s.append("plot ").append(String.join(", ", legend)).append("\nunset multiplot\n");
    return s.toString();
  }
}
