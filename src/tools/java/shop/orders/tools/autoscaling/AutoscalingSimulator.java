package shop.orders.tools.autoscaling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the cluster simulation on the chart as rendered with a release's values files.
 *
 * <pre>
 * predict --capacity FILE --peak ORDERS_PER_S --ramp SECONDS [--hold SECONDS] [--background-factor X]
 *         [--opens-at HH:MM] [--max-refused-share S] [-f VALUES]...
 *     one event: its opening from peak/X to the peak in --ramp seconds; prints one JSON object with the
 *     totals and the verdict (GO when refused requests stay within the share)
 * report --capacity FILE --peak ORDERS_PER_S --out DIR [--requests requests.csv] SCENARIO=VALUES[,VALUES]...
 *     every scenario on every traffic profile: DIR/results.json, DIR/results.md, DIR/SCENARIO-TRAFFIC.dat and a
 *     gnuplot script DIR/plots.gp (bin/simulate-autoscaling renders the PNGs)
 * </pre>
 */
public final class AutoscalingSimulator {
  static final int LEAD_SECONDS = 120;
  static final int TAIL_SECONDS = 600;
  /** An event opens from its peak / this, the shoppers already browsing. */
  static final double DEFAULT_BACKGROUND_FACTOR = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AutoscalingSimulator() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      usage("a command: predict or report");
    }
    Options o = Options.parse(args);
    switch (args[0]) {
      case "predict" -> System.out.println(JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(predict(RenderedChart.CHART, o)));
      case "report" -> report(o);
      default -> usage("unknown command " + args[0]);
    }
  }

  private static void usage(String problem) {
    System.err.println("AutoscalingSimulator: " + problem + "\nusage: predict|report ... (see the class comment)");
    System.exit(2);
  }

  public record Options(Path capacity, double peak, int ramp, int hold, double backgroundFactor, LocalTime opensAt,
                        double maxRefusedShare, List<Path> values, Path out, Path requests, List<String> scenarios) {
    /** One expected event for {@link #predict}, opening from peak / 20 (bin/precheck's). */
    public static Options event(Path capacity, double peak, int ramp, int hold, LocalTime opensAt,
                                double maxRefusedShare, List<Path> values) {
      return new Options(capacity, peak, ramp, hold, DEFAULT_BACKGROUND_FACTOR, opensAt, maxRefusedShare, values,
          null, null, List.of());
    }

    static Options parse(String[] args) {
      Path capacity = null;
      Path out = null;
      Path requests = null;
      double peak = -1;
      int ramp = 10;
      int hold = 300;
      double factor = DEFAULT_BACKGROUND_FACTOR;
      LocalTime opensAt = LocalTime.of(20, 0);
      double maxRefused = 0.01;
      List<Path> values = new ArrayList<>();
      List<String> scenarios = new ArrayList<>();
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("-")) {
          scenarios.add(a);
          continue;
        }
        if (i + 1 >= args.length) {
          usage(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--capacity" -> capacity = Path.of(v);
          case "--peak" -> peak = Double.parseDouble(v);
          case "--ramp" -> ramp = Integer.parseInt(v);
          case "--hold" -> hold = Integer.parseInt(v);
          case "--background-factor" -> factor = Double.parseDouble(v);
          case "--opens-at" -> opensAt = LocalTime.parse(v);
          case "--max-refused-share" -> maxRefused = Double.parseDouble(v);
          case "-f", "--values" -> values.add(Path.of(v));
          case "--out" -> out = Path.of(v);
          case "--requests" -> requests = Path.of(v);
          default -> usage("unknown option " + a);
        }
      }
      if (capacity == null || !(peak > 0) || ramp < 1 || hold < 1 || !(factor >= 1)) {
        usage("--capacity and a positive --peak are needed; --ramp and --hold at least 1, --background-factor >= 1");
      }
      return new Options(capacity, peak, ramp, hold, factor, opensAt, maxRefused, values, out, requests, scenarios);
    }
  }

  /** Cron expressions "M H * * *" on the simulation's clock, second 0 being {@code LEAD_SECONDS} before opening. */
  static Hpa.CronWindows cronWindows(LocalTime opensAt, int lead) {
    long startWall = opensAt.toSecondOfDay() - lead;
    return (start, end) -> {
      long s = cronSecondOfDay(start) - startWall;
      long e = cronSecondOfDay(end) - startWall;
      if (e > s) {
        return new long[] {s, e};
      }
      // across midnight: the window the simulation's start lies in, or the next one
      return e > 0 ? new long[] {s - 86_400, e} : new long[] {s, e + 86_400};
    };
  }

  static long cronSecondOfDay(String expression) {
    String[] f = expression.trim().split("\\s+");
    if (f.length != 5 || !f[0].matches("\\d+") || !f[1].matches("\\d+")) {
      throw new IllegalArgumentException("the simulator reads cron expressions of a fixed minute and hour only: "
          + expression);
    }
    return Integer.parseInt(f[1]) * 3600L + Integer.parseInt(f[0]) * 60L;
  }

  /**
   * One expected event on {@code chartDir} rendered with the values files: the totals, {@code go} and the
   * {@code reason} (throws {@link RenderedChart.Refused} when the chart refuses the values).
   */
  public static ObjectNode predict(Path chartDir, Options o) throws IOException {
    Capacity capacity = Capacity.read(o.capacity());
    RenderedChart chart = RenderedChart.render(chartDir, o.values());
    Traffic traffic = Traffic.opening("expected event (x" + fmt(o.backgroundFactor()) + " in " + o.ramp() + " s)",
        o.peak(), o.backgroundFactor(), o.ramp(), o.hold(), LEAD_SECONDS, TAIL_SECONDS);
    var result = worstPhase(new ClusterSimulation(capacity, chart.deployment()), "expected", traffic,
        chart.autoscaler(cronWindows(o.opensAt(), LEAD_SECONDS)).orElse(null));
    ClusterSimulation.Totals t = result.totals();
    ObjectNode json = totalsJson(t);
    json.put("traffic", traffic.name());
    if (t.firstScaleUpSecond() >= 0) {
      json.put("firstPodAddedAfterOpeningSeconds", t.firstScaleUpSecond() - traffic.opensAt());
    } else {
      json.putNull("firstPodAddedAfterOpeningSeconds");
    }
    json.put("capacityMeasured", capacity.measuredAt());
    json.put("maxRefusedShare", o.maxRefusedShare());
    boolean go = t.refusedShare() <= o.maxRefusedShare() && t.ordersRefusedShare() <= o.maxRefusedShare()
        && t.peakDbConnections() <= t.connectionBudget();
    json.put("go", go);
    json.put("reason", reason(t, o.maxRefusedShare(), capacity));
    return json;
  }

  /**
   * The autoscaler's 15 s loop runs at a phase of its own against the scrapes (its metrics 0 to 14 s old): every
   * phase is run and the one that refuses most orders kept, the case to plan for.
   */
  static ClusterSimulation.Result worstPhase(ClusterSimulation simulation, String scenario, Traffic traffic, Hpa hpa) {
    ClusterSimulation.Result worst = null;
    for (int phase = 0; phase < (hpa == null ? 1 : HpaController.SYNC_PERIOD_SECONDS); phase++) {
      var result = simulation.run(scenario, traffic, hpa, phase);
      if (worst == null || result.totals().ordersRefusedShare() > worst.totals().ordersRefusedShare()
          || result.totals().ordersRefusedShare() == worst.totals().ordersRefusedShare()
             && result.totals().refusedShare() > worst.totals().refusedShare()) {
        worst = result;
      }
    }
    return worst;
  }

  static String reason(ClusterSimulation.Totals t, double maxShare, Capacity capacity) {
    String refused = String.format(Locale.ROOT, "%,.0f of %,.0f requests refused, from the opening to the end of"
            + " the peak %.2f%% of the requests and %.2f%% of the orders (at most %.2f%% wanted): %,.0f at the pods' doors (CPU), %,.0f at the database (ceiling"
            + " %,.0f orders/s, one SKU %,.0f/s), %,.0f with no pod ready; %d pods at most, %d of %d database"
            + " connections at most",
        t.refused(), t.offered(), 100 * t.refusedShare(), 100 * t.ordersRefusedShare(), 100 * maxShare,
        t.refusedDoor(), t.refusedDatabase(),
        capacity.dbOrdersPerSecond(), capacity.hotRowOrdersPerSecond(), t.refusedNoPod(), t.peakReplicas(),
        t.peakDbConnections(), t.connectionBudget());
    if (t.peakDbConnections() > t.connectionBudget()) {
      return "over the connection budget: " + refused;
    }
    if (t.refusedShare() <= maxShare && t.ordersRefusedShare() <= maxShare) {
      return refused;
    }
    String where = t.refusedDatabase() >= t.refusedDoor() + t.refusedNoPod()
        ? "PostgreSQL is the ceiling: more pods only add connections; spread the sale, or raise the database's ceiling"
        : "the pods are the ceiling: run more pods from before the opening (autoscaling.minReplicas, as"
          + " values-event.yaml does), and more of them within the connection budget with smaller pools"
          + " (helm/order-service/scenarios/event-small-pools.yaml)";
    return where + ": " + refused;
  }

  static ObjectNode totalsJson(ClusterSimulation.Totals t) {
    ObjectNode json = JSON.createObjectNode();
    json.put("offeredRequests", Math.round(t.offered()));
    json.put("refusedRequests", Math.round(t.refused()));
    json.put("refusedShare", Math.round(t.refusedShare() * 100_000) / 100_000.0);
    json.put("ordersNotPlacedShare", Math.round(t.ordersRefusedShare() * 100_000) / 100_000.0);
    json.put("refusedAtDoor", Math.round(t.refusedDoor()));
    json.put("refusedAtDatabase", Math.round(t.refusedDatabase()));
    json.put("refusedWithNoPod", Math.round(t.refusedNoPod()));
    json.put("ordersOffered", Math.round(t.ordersOffered()));
    json.put("ordersPlaced", Math.round(t.ordersPlaced()));
    json.put("peakReplicas", t.peakReplicas());
    json.put("peakDbConnections", t.peakDbConnections());
    json.put("connectionBudget", t.connectionBudget());
    json.put("firstScaleUpSecond", t.firstScaleUpSecond());
    json.put("secondsWithRefusals", t.secondsWithRefusals());
    json.put("podMinutes", Math.round(t.podSeconds() / 60));
    return json;
  }

  static void report(Options o) throws IOException {
    if (o.out() == null || o.scenarios().isEmpty()) {
      usage("report needs --out and at least one SCENARIO=VALUES[,VALUES]");
    }
    Files.createDirectories(o.out());
    Capacity capacity = Capacity.read(o.capacity());
    List<Traffic> profiles = new ArrayList<>(List.of(
        Traffic.flashOpening(o.peak(), LEAD_SECONDS, TAIL_SECONDS),
        Traffic.gatlingSurge(o.peak(), LEAD_SECONDS, TAIL_SECONDS)));
    if (o.requests() != null) {
      profiles.add(Traffic.recorded(o.requests(), o.peak(), LEAD_SECONDS, TAIL_SECONDS));
    }
    String[] profileIds = {"flash", "surge", "recorded"};
    ArrayNode results = JSON.createArrayNode();
    StringBuilder md = new StringBuilder("""
        | scenario | traffic | pods at most | first scale-up (s after opening) | requests refused (sale's share) | \
        at the door / database / no pod | orders placed of offered (sale's share not placed) | \
        DB connections at most (budget) | pod-minutes |
        |---|---|---|---|---|---|---|---|---|
        """);
    StringBuilder plots = new StringBuilder();
    for (String scenario : o.scenarios()) {
      String[] nameAndValues = scenario.split("=", 2);
      List<Path> values = nameAndValues.length < 2 || nameAndValues[1].isEmpty() ? List.of()
          : List.of(nameAndValues[1].split(",")).stream().map(Path::of).toList();
      RenderedChart chart = RenderedChart.render(RenderedChart.CHART, values);
      Hpa hpa = chart.autoscaler(cronWindows(o.opensAt(), LEAD_SECONDS)).orElse(null);
      for (int i = 0; i < profiles.size(); i++) {
        Traffic traffic = profiles.get(i);
        var result = worstPhase(new ClusterSimulation(capacity, chart.deployment()), nameAndValues[0], traffic, hpa);
        String id = nameAndValues[0] + "-" + profileIds[i];
        writeSeries(o.out().resolve(id + ".dat"), result);
        ClusterSimulation.Totals t = result.totals();
        ObjectNode json = totalsJson(t);
        json.put("scenario", nameAndValues[0]);
        json.put("values", values.toString());
        json.put("traffic", traffic.name());
        results.add(json);
        md.append(String.format(Locale.ROOT,
            "| %s | %s | %d | %s | %,.0f (%.1f%%) | %,.0f / %,.0f / %,.0f | %,.0f of %,.0f (%.1f%%) | %d (%d) | %,.0f |%n",
            nameAndValues[0], traffic.name(), t.peakReplicas(),
            t.firstScaleUpSecond() < 0 ? "none" : String.valueOf(t.firstScaleUpSecond() - traffic.opensAt()),
            t.refused(), 100 * t.refusedShare(), t.refusedDoor(), t.refusedDatabase(), t.refusedNoPod(),
            t.ordersPlaced(), t.ordersOffered(), 100 * t.ordersRefusedShare(), t.peakDbConnections(), t.connectionBudget(), t.podSeconds() / 60));
        if (i == 0) {
          plots.append(plot(id, nameAndValues[0] + ", " + traffic.name(), traffic.opensAt(), t.connectionBudget()));
        }
      }
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("capacityMeasured", capacity.measuredAt());
    root.put("peakOrdersPerSecond", o.peak());
    root.set("runs", results);
    Files.writeString(o.out().resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    Files.writeString(o.out().resolve("results.md"), md.toString());
    Files.writeString(o.out().resolve("plots.gp"), plots.toString());
    System.out.print(md);
  }

  private static void writeSeries(Path file, ClusterSimulation.Result result) throws IOException {
    StringBuilder out = new StringBuilder(
        "# t offered_per_s orders_placed_per_s replicas ready_pods refused_share_pct db_connections cpu_pct\n");
    for (var s : result.seconds()) {
      out.append(String.format(Locale.ROOT, "%d %.1f %.1f %d %d %.2f %d %.0f%n", s.t() - result.traffic().opensAt(),
          s.offered(), s.ordersPlaced(), s.replicas(), s.readyPods(),
          s.offered() == 0 ? 0 : 100 * s.refused() / s.offered(), s.dbConnections(), s.cpuUtilizationPercent()));
    }
    Files.writeString(file, out.toString());
  }

  /** A gnuplot page per scenario: offered and placed, pods, refused share, database connections against budget. */
  private static String plot(String id, String title, int opensAt, int budget) {
    return """
        set terminal pngcairo size 1000,1000 font ',10'
        set output '%1$s.png'
        set multiplot layout 4,1 title '%2$s (second 0: the sale opens)'
        set xrange [-%3$d:*]
        set grid
        set key top right
        set ylabel 'requests/s'
        plot '%1$s.dat' using 1:2 with lines lw 2 title 'offered', '' using 1:3 with lines lw 2 title 'orders placed'
        set ylabel 'pods'
        set yrange [0:*]
        plot '%1$s.dat' using 1:4 with steps lw 2 title 'replicas (desired)', '' using 1:5 with steps lw 2 title 'ready'
        set ylabel 'refused %%'
        set yrange [0:100]
        plot '%1$s.dat' using 1:6 with lines lw 2 title 'refused share of offered'
        set ylabel 'DB connections'
        set yrange [0:*]
        plot '%1$s.dat' using 1:7 with steps lw 2 title 'open', %4$d with lines dt 2 lw 2 title 'budget'
        unset multiplot
        set yrange [*:*]
        """.formatted(id, title.replace("'", ""), opensAt, budget);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
