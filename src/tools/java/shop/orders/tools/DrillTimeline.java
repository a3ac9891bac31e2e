package shop.orders.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened when in bin/upgrade-drill and bin/failover-drill, from the timeline file the script writes, a line per
 * event:
 * <pre>
 *   &lt;epoch-millis&gt; t0                               the drill's clock starts (the load's second 0)
 *   &lt;epoch-millis&gt; phase &lt;name&gt;                       a state of the rollout begins
 *   &lt;epoch-millis&gt; instance &lt;n&gt; &lt;state&gt; [&lt;version&gt;]  serving / draining / stopped / starting
 *   &lt;epoch-millis&gt; exited &lt;n&gt; &lt;millis&gt; &lt;exit code&gt;     how long instance n took to exit after SIGTERM
 *   &lt;epoch-millis&gt; load-stop                          the shoppers were told to stop
 *   &lt;epoch-millis&gt; event &lt;name&gt;                       an instant the report marks (the failover drill's fence)
 * </pre>
 * and the figures the report draws: requests per second by outcome class, the phases, and per instance its bands
 * (from, to, state, version).
 */
final class DrillTimeline {
  record Phase(String name, double from, double to) {
  }

  record Band(int instance, double from, double to, String state, String version) {
  }

  record Exit(int instance, double second, long millis, int code) {
  }

  /** An instant the report marks, seconds since t0. */
  record Mark(String name, double second) {
  }

  private final List<Phase> phases = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<Exit> exits = new ArrayList<>();
  private final List<Mark> marks = new ArrayList<>();
  private final double end;

  /** The timeline of {@code lines}; bands and the last phase end at {@code end} seconds (the load's last request). */
  DrillTimeline(List<String> lines, double end) {
    long t0 = -1;
    String phase = null;
    double phaseFrom = 0;
    Map<Integer, Band> open = new TreeMap<>();
    double last = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      long at = Long.parseLong(f[0]);
      if (f[1].equals("t0")) {
        t0 = at;
        continue;
      }
      if (t0 < 0) {
        throw new IllegalArgumentException("the timeline must start with t0: " + line);
      }
      double second = Math.max(0, (at - t0) / 1000.0);
      last = Math.max(last, second);
      switch (f[1]) {
        case "phase" -> {
          if (phase != null) {
            phases.add(new Phase(phase, phaseFrom, second));
          }
          phase = f[2];
          phaseFrom = second;
        }
        case "instance" -> {
          int n = Integer.parseInt(f[2]);
          Band before = open.get(n);
          if (before != null) {
            bands.add(new Band(n, before.from(), second, before.state(), before.version()));
          }
          open.put(n, new Band(n, second, second, f[3], f.length > 4 ? f[4] : ""));
        }
        case "exited" -> exits.add(new Exit(Integer.parseInt(f[2]), second, Long.parseLong(f[3]),
            Integer.parseInt(f[4])));
        case "event" -> marks.add(new Mark(f[2], second));
        case "load-stop" -> {
          // the phase in progress ends at the load's end
        }
        default -> throw new IllegalArgumentException("unknown timeline event: " + line);
      }
    }
    this.end = Math.max(end, last);
    if (phase != null) {
      phases.add(new Phase(phase, phaseFrom, this.end));
    }
    open.values().forEach(b -> bands.add(new Band(b.instance(), b.from(), this.end, b.state(), b.version())));
    bands.sort((a, b) -> a.instance() != b.instance() ? Integer.compare(a.instance(), b.instance())
        : Double.compare(a.from(), b.from()));
  }

  List<Phase> phases() {
    return phases;
  }

  List<Band> bands() {
    return bands;
  }

  List<Exit> exits() {
    return exits;
  }

  double end() {
    return end;
  }

  List<Mark> marks() {
    return marks;
  }

  /** The second of the first mark of that name, if any. */
  java.util.OptionalDouble mark(String name) {
    return marks.stream().filter(m -> m.name().equals(name)).mapToDouble(Mark::second).findFirst();
  }

  /** The phase a second falls in ("before" ahead of the first). */
  String phaseAt(double second) {
    String name = "before";
    for (Phase p : phases) {
      if (second >= p.from()) {
        name = p.name();
      }
    }
    return name;
  }

  /** Per whole second since t0: the count of each outcome class (every class present, in DrillRequest.OUTCOMES order). */
  static TreeMap<Integer, Map<String, Integer>> perSecond(List<DrillRequest> requests) {
    var seconds = new TreeMap<Integer, Map<String, Integer>>();
    int last = requests.stream().mapToInt(r -> (int) Math.floor(r.second())).max().orElse(-1);
    for (int s = 0; s <= last; s++) {
      var counts = new LinkedHashMap<String, Integer>();
      DrillRequest.OUTCOMES.forEach(o -> counts.put(o, 0));
      seconds.put(s, counts);
    }
    for (DrillRequest r : requests) {
      seconds.get(Math.max(0, (int) Math.floor(r.second()))).merge(r.outcome(), 1, Integer::sum);
    }
    return seconds;
  }

  /** The per-second counts as gnuplot data: "second ok promised-4xx refused 5xx unpromised-4xx no-answer". */
  static String perSecondData(List<DrillRequest> requests) {
    var out = new StringBuilder("# second " + String.join(" ", DrillRequest.OUTCOMES) + "\n");
    perSecond(requests).forEach((second, counts) -> {
      out.append(second);
      counts.values().forEach(c -> out.append(' ').append(c));
      out.append('\n');
    });
    return out.toString();
  }

  /** Per phase, in order: the count of each outcome class and the total. */
  Map<String, Map<String, Integer>> perPhase(List<DrillRequest> requests) {
    var result = new LinkedHashMap<String, Map<String, Integer>>();
    for (Phase p : phases) {
      var counts = new LinkedHashMap<String, Integer>();
      DrillRequest.OUTCOMES.forEach(o -> counts.put(o, 0));
      counts.put("total", 0);
      result.put(p.name(), counts);
    }
    for (DrillRequest r : requests) {
      var counts = result.computeIfAbsent(phaseAt(r.second()), k -> {
        var fresh = new LinkedHashMap<String, Integer>();
        DrillRequest.OUTCOMES.forEach(o -> fresh.put(o, 0));
        fresh.put("total", 0);
        return fresh;
      });
      counts.merge(r.outcome(), 1, Integer::sum);
      counts.merge("total", 1, Integer::sum);
    }
    return result;
  }
}
