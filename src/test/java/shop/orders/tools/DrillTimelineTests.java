package shop.orders.tools;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bin/upgrade-drill's timeline (DrillTimeline), the chart's data and script, and HAProxy's log figures. */
class DrillTimelineTests {
  /** A drill's timeline file: t0 at 1,000,000 ms, one replacement of instance 1. */
  static final List<String> TIMELINE = List.of(
      "1000000 t0",
      "1000000 instance 1 serving previous",
      "1000000 instance 2 serving previous",
      "1000000 phase previous",
      "1010000 phase i1-to-current",
      "1010000 instance 1 draining previous",
      "1012500 exited 1 2500 143",
      "1012500 instance 1 stopped",
      "1012500 instance 1 starting current",
      "1020000 instance 1 serving current",
      "1020000 phase mixed-upgrade",
      "1030000 load-stop");

  static final List<DrillRequest> REQUESTS = DrillAuditTests.CSV.lines().skip(1).map(DrillRequest::parse).toList();

  @Test
  void phasesFollowEachOtherUntilTheLoadsEnd() {
    var timeline = new DrillTimeline(TIMELINE, 31.2);
    assertThat(timeline.phases()).containsExactly(new DrillTimeline.Phase("previous", 0, 10),
        new DrillTimeline.Phase("i1-to-current", 10, 20), new DrillTimeline.Phase("mixed-upgrade", 20, 31.2));
    assertThat(timeline.phaseAt(0)).isEqualTo("previous");
    assertThat(timeline.phaseAt(10)).isEqualTo("i1-to-current");
    assertThat(timeline.phaseAt(25)).isEqualTo("mixed-upgrade");
    assertThat(timeline.end()).isEqualTo(31.2);
  }

  @Test
  void eachInstanceHasBandsOfStateAndVersion() {
    var timeline = new DrillTimeline(TIMELINE, 25);
    assertThat(timeline.bands()).containsExactly(
        new DrillTimeline.Band(1, 0, 10, "serving", "previous"),
        new DrillTimeline.Band(1, 10, 12.5, "draining", "previous"),
        new DrillTimeline.Band(1, 12.5, 12.5, "stopped", ""),
        new DrillTimeline.Band(1, 12.5, 20, "starting", "current"),
        new DrillTimeline.Band(1, 20, 30, "serving", "current"),
        new DrillTimeline.Band(2, 0, 30, "serving", "previous"));
    assertThat(timeline.exits()).containsExactly(new DrillTimeline.Exit(1, 12.5, 2500, 143));
  }

  @Test
  void marksAreInstantsByName() {
    var timeline = new DrillTimeline(List.of("1000 t0", "1000 phase before", "3500 event fence",
        "3600 event fenced", "3600 phase failover", "8600 event promoted", "8600 phase after"), 20);
    assertThat(timeline.marks()).containsExactly(new DrillTimeline.Mark("fence", 2.5),
        new DrillTimeline.Mark("fenced", 2.6), new DrillTimeline.Mark("promoted", 7.6));
    assertThat(timeline.mark("fenced")).hasValue(2.6);
    assertThat(timeline.mark("reboot")).isEmpty();
    assertThat(timeline.phaseAt(5)).isEqualTo("failover");
  }

  @Test
  void aTimelineStartsWithT0AndKnowsItsEvents() {
    assertThatThrownBy(() -> new DrillTimeline(List.of("1000 phase x"), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DrillTimeline(List.of("1000 t0", "2000 reboot"), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestsAreCountedPerSecondAndPhase() {
    var perSecond = DrillTimeline.perSecond(REQUESTS);
    assertThat(perSecond.keySet()).containsExactly(0, 1, 2);
    assertThat(perSecond.get(0)).containsExactly(Map.entry("ok", 3), Map.entry("promised-4xx", 1),
        Map.entry("refused", 1), Map.entry("5xx", 0), Map.entry("unpromised-4xx", 0), Map.entry("no-answer", 0));
    assertThat(perSecond.get(1)).containsEntry("ok", 4);
    assertThat(DrillTimeline.perSecondData(REQUESTS)).isEqualTo("""
        # second ok promised-4xx refused 5xx unpromised-4xx no-answer
        0 3 1 1 0 0 0
        1 4 0 0 0 0 0
        2 2 1 0 0 0 0
        """);

    var timeline = new DrillTimeline(List.of("0 t0", "0 phase previous", "1000 phase i1-to-current",
        "2000 phase mixed-upgrade"), 3);
    var perPhase = timeline.perPhase(REQUESTS);
    assertThat(perPhase.keySet()).containsExactly("previous", "i1-to-current", "mixed-upgrade");
    assertThat(perPhase.get("previous")).containsEntry("ok", 3).containsEntry("refused", 1).containsEntry("total", 5);
    assertThat(perPhase.get("i1-to-current")).containsEntry("ok", 4).containsEntry("total", 4);
    assertThat(perPhase.get("mixed-upgrade")).containsEntry("promised-4xx", 1).containsEntry("total", 3);
    assertThat(DrillEnd.outcomeCounts(REQUESTS)).containsEntry("ok", 9).containsEntry("total", 12);
  }

  @Test
  void theChartShadesEachInstancesBandsAndMarksEachDrain() {
    var script = UpgradeDrillReport.gnuplotScript("out.png", "out.dat", new DrillTimeline(TIMELINE, 25), "97b6501",
        "abc1234");
    assertThat(script).contains("set output 'out.png'", "'out.dat' using 1:2 with lines",
        "'out.dat' using 1:7 with lines", "title 'no-answer'", "ytics ('i1' 1, 'i2' 2)",
        "set arrow 1 from 10.00, graph 0 to 10.00, graph 1",
        "rect from 0.00, 0.65 to 10.00, 1.35 fc rgb '#4472c4'",
        "rect from 20.00, 0.65 to 30.00, 1.35 fc rgb '#1a7f37'",
        "rect from 10.00, 0.65 to 12.50, 1.35 fc rgb '#ed7d31'",
        "title 'serving current abc1234'", "unset multiplot");
    assertThat(script).doesNotContain("set arrow 2 ");
  }

  @Test
  void haproxysLogNamesTheServerOfEachServerErrorAndEachRetry() {
    var figures = UpgradeDrillReport.loadBalancer(List.of(
        "127.0.0.1:1 [06/Dec/2026:12:04:02.274] orders instances/i1 0/0/0/10/10 200 424 - - ---- 6/6/5/2/0 0/0 \"PUT /x HTTP/1.1\"",
        "127.0.0.1:2 [06/Dec/2026:12:04:02.274] orders instances/i1 0/0/0/-1/5 502 204 - - SH-- 6/6/5/2/0 0/0 \"POST /api/orders HTTP/1.1\"",
        "127.0.0.1:3 [06/Dec/2026:12:04:02.274] orders instances/i2 0/0/3/10/13 201 424 - - ---- 6/6/5/2/+1 0/0 \"POST /api/orders HTTP/1.1\"",
        "a line of something else"));
    assertThat(figures).containsEntry("serverErrorsByServer", Map.of("i1", Map.of("502 SH--", 1)))
        .containsEntry("retriedOrRedispatchedByServer", Map.of("i2", 1));
  }
}
