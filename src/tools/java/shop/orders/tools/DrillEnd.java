package shop.orders.tools;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The end that bin/upgrade-drill's and bin/failover-drill's reports share: the inputs their scripts set in the
 * environment, the bounded wait until the service has settled, the audit's facts (DrillFacts, DrillQueue), the
 * report's common fields and the files written ({@code <OUT>.json}, {@code .md}, {@code .png}, {@code -timeline.dat}).
 * Each report adds what its drill measures.
 */
final class DrillEnd {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The load, the timeline, the facts gathered after it, and how long the service took to settle. */
  record Settled(List<DrillRequest> requests, DrillTimeline timeline, DrillAudit.Facts facts, long settledAfterMillis,
                 double settleWaitSeconds, double end) {
    boolean settled() {
      return settledAfterMillis >= 0;
    }
  }

  private final Map<String, String> env;

  DrillEnd(Map<String, String> env) {
    this.env = env;
  }

  String need(String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value;
  }

  String get(String name, String otherwise) {
    return env.getOrDefault(name, otherwise);
  }

  /**
   * Reads REQUESTS and TIMELINE (the timeline ends at the latest {@code endOf} a request), waits up to
   * SETTLE_SECONDS for the service to settle on DB_URL, drains QUEUE on AMQP_URL and gathers the facts (GATEWAY_URL,
   * SEED_STOCK).
   */
  Settled settle(ToDoubleFunction<DrillRequest> endOf) throws Exception {
    var requests = DrillRequest.read(Path.of(need("REQUESTS")));
    double end = requests.stream().mapToDouble(endOf).max().orElse(0);
    var timeline = new DrillTimeline(Files.readAllLines(Path.of(need("TIMELINE"))), end);
    String dbUrl = need("DB_URL");
    long settleStart = System.currentTimeMillis();
    long settledAfter = DrillFacts.awaitSettled(dbUrl, Integer.parseInt(need("SETTLE_SECONDS")));
    System.out.println(settledAfter < 0 ? "the service did not settle within " + need("SETTLE_SECONDS") + " s"
        : "settled after " + settledAfter / 1000.0 + " s");
    var received = DrillQueue.drain(need("AMQP_URL"), need("QUEUE"));
    var facts = DrillFacts.gather(dbUrl, need("GATEWAY_URL"), DrillFacts.seedStock(Path.of(need("SEED_STOCK"))),
        requests, received);
    return new Settled(requests, timeline, facts, settledAfter, (System.currentTimeMillis() - settleStart) / 1000.0,
        end);
  }

  /** The fields after a report's own head: smoke, passed, the settling, and the load's length. */
  void putOutcome(Map<String, Object> report, Settled settled, boolean passed) {
    report.put("smoke", "1".equals(env.get("SMOKE")));
    report.put("passed", passed);
    report.put("settledAfterSeconds", settled.settled() ? settled.settledAfterMillis() / 1000.0 : null);
    report.put("settleWaitSeconds", settled.settleWaitSeconds());
    report.put("loadSeconds", Math.round(settled.end() * 10) / 10.0);
  }

  /** The answers the API does not promise (the first 500), with the phase each came in. */
  static List<Map<String, Object>> notPromised(Settled settled) {
    return settled.requests().stream().filter(r -> !r.allowed()).limit(500)
        .map(r -> Map.<String, Object>of("second", r.second(), "phase", settled.timeline().phaseAt(r.second()),
            "kind", r.kind(), "status", r.status(), "outcome", r.outcome(), "detail", r.detail())).toList();
  }

  static Map<String, Integer> outcomeCounts(List<DrillRequest> requests) {
    var counts = new LinkedHashMap<String, Integer>();
    DrillRequest.OUTCOMES.forEach(o -> counts.put(o, 0));
    requests.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
    counts.put("total", requests.size());
    return counts;
  }

  static List<Map<String, Object>> phases(DrillTimeline timeline, List<DrillRequest> requests) {
    var counts = timeline.perPhase(requests);
    var result = new ArrayList<Map<String, Object>>();
    for (var phase : timeline.phases()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("phase", phase.name());
      row.put("from", phase.from());
      row.put("to", phase.to());
      row.put("outcomes", counts.get(phase.name()));
      result.add(row);
    }
    return result;
  }

  /** The name of the chart beside {@code <OUT>.json}. */
  String chart() {
    return Path.of(need("OUT") + ".png").getFileName().toString();
  }

  /**
   * Writes {@code <OUT>-timeline.dat}, {@code <OUT>.json} and {@code <OUT>.md}, and draws {@code <OUT>.png} with
   * the gnuplot script that {@code chart} makes of the PNG's and the data's paths.
   */
  void write(Map<String, Object> report, String perSecondData, String markdown,
             BiFunction<String, String, String> chart, String drill) throws Exception {
    String out = need("OUT");
    Files.writeString(Path.of(out + "-timeline.dat"), perSecondData);
    Files.writeString(Path.of(out + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report)
        + "\n");
    Files.writeString(Path.of(out + ".md"), markdown);
    Gnuplot.draw(chart.apply(out + ".png", out + "-timeline.dat"), drill);
  }
}
