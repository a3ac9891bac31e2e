package shop.orders.tools;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/failover-drill's figures (FailoverDrillReport) on a fixed timeline and fixed answers. */
class FailoverDrillReportTests {
  /** t0 at 1,000,000 ms; the fence at 10 s (the primary gone at 10.2 s), the promotion asked for at 15 s. */
  static final List<String> TIMELINE = List.of(
      "1000000 t0",
      "1000000 instance 1 primary",
      "1000000 instance 2 standby",
      "1000000 phase before",
      "1000100 instance 3 ready",
      "1010000 event fence",
      "1010000 phase failover",
      "1010200 event fenced",
      "1010200 instance 1 stopped",
      "1011000 instance 3 not-ready",
      "1015000 event promote",
      "1015300 event promoted",
      "1015300 instance 2 primary",
      "1015300 phase after",
      "1015600 instance 3 ready",
      "1030000 load-stop");

  static final String CSV = """
      second,kind,status,outcome,order_id,detail,millis
      9.000,order,201,ok,o1,,20
      9.500,checkout,201,ok,o2,,30
      9.950,order,201,ok,o3,,100
      10.100,order,503,refused,,database-unavailable,50
      10.300,pay,503,refused,,database-unavailable,900
      12.000,order,503,refused,,database-unavailable,1000
      14.000,cancel-pending,200,ok,,,10
      15.350,probe,201,ok,p1,,100
      15.400,order,201,ok,o4,,200
      16.000,checkout,201,ok,o5,,40
      17.000,pay,201,ok,,,300
      """;

  static final List<DrillRequest> REQUESTS = CSV.lines().skip(1).map(DrillRequest::parse).toList();

  private static Map<String, Object> failover(Set<String> inDb) {
    return FailoverDrillReport.failover(REQUESTS, new DrillTimeline(TIMELINE, 20), inDb);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFailoverIsMeasuredFromTheFence() {
    var f = failover(Set.of("o1", "o2", "o3", "o4", "o5", "p1"));
    assertThat(f).containsEntry("secondsToFence", 0.2).containsEntry("secondsToPromote", 0.3)
        // o3 was sent before the fence and answered at 10.05: the last order 201 before the fence is o2's (9.53)
        .containsEntry("lastOrder201BeforeTheFenceSecondsBefore", 0.47)
        // the first order sent after the primary was gone and answered 201: the probe's, answered at 15.45
        .containsEntry("orders201AgainSecondsAfterTheFence", 5.25)
        .containsEntry("orders201AgainSecondsAfterThePromotion", 0.45)
        .containsEntry("readinessDownSecondsAfterTheFence", 1.0)
        .containsEntry("readinessUpSecondsAfterThePromotion", 0.6)
        // ready from 10.2 (primary gone) to 11.0 (the probe's answer): 0.8 s
        .containsEntry("readinessUpWithoutAPrimarySeconds", 0.8)
        .containsEntry("ordersAnswered201", 6L).containsEntry("ordersAnswered201BeforeTheFailover", 3L)
        .containsEntry("ordersAnswered201Missing", 0);
    assertThat((Map<String, Long>) f.get("rules")).containsOnly(Map.entry("ordersNot201AgainAfterTheFailover", 0L),
        Map.entry("ordersAnswered201AfterThePromotionMissing", 0L), Map.entry("readinessNotUpAfterTheFailover", 0L),
        Map.entry("readinessUpWithoutAPrimaryOverTwoSeconds", 0L));
    var byKind = (Map<String, Map<String, Integer>>) f.get("answersInTheWindowByKind");
    assertThat(byKind.get("order")).containsOnly(Map.entry("201", 1), Map.entry("503 database-unavailable", 2));
    assertThat(byKind.get("probe")).containsOnly(Map.entry("201", 1));
    assertThat(byKind.get("pay")).containsOnly(Map.entry("503 database-unavailable", 1));
    assertThat(byKind).doesNotContainKey("checkout");
  }

  @Test
  @SuppressWarnings("unchecked")
  void ordersAnswered201AndMissingAreListedAndOnesAnsweredAfterThePromotionBreakARule() {
    var f = failover(Set.of("o1", "o4", "o5", "p1"));
    assertThat(f).containsEntry("ordersAnswered201Missing", 2);
    assertThat((List<Map<String, Object>>) f.get("missingOrders")).containsExactly(
        Map.of("order", "o2", "answeredSecondsBeforeTheFence", 0.47),
        Map.of("order", "o3", "answeredSecondsBeforeTheFence", -0.05));
    assertThat(((Map<String, Long>) f.get("rules")).get("ordersAnswered201AfterThePromotionMissing")).isZero();

    f = failover(Set.of("o1", "o2", "o3", "o5", "p1"));
    assertThat(((Map<String, Long>) f.get("rules")).get("ordersAnswered201AfterThePromotionMissing")).isEqualTo(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void noOrder201AfterTheFenceOrReadinessNotBackBreakTheirRules() {
    var timeline = new DrillTimeline(TIMELINE.subList(0, 11), 20);
    var f = FailoverDrillReport.failover(REQUESTS.subList(0, 7), timeline, Set.of("o1", "o2", "o3"));
    var rules = (Map<String, Long>) f.get("rules");
    assertThat(rules.get("ordersNot201AgainAfterTheFailover")).isEqualTo(1);
    assertThat(rules.get("readinessNotUpAfterTheFailover")).isEqualTo(1);
    assertThat(f.get("orders201AgainSecondsAfterTheFence")).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void readinessUpLongWithoutAPrimaryBreaksItsRule() {
    var lines = new java.util.ArrayList<>(TIMELINE);
    lines.replaceAll(l -> l.equals("1011000 instance 3 not-ready") ? "1013500 instance 3 not-ready" : l);
    var f = FailoverDrillReport.failover(REQUESTS, new DrillTimeline(lines, 20),
        Set.of("o1", "o2", "o3", "o4", "o5", "p1"));
    assertThat(f).containsEntry("readinessUpWithoutAPrimarySeconds", 3.3);
    assertThat(((Map<String, Long>) f.get("rules")).get("readinessUpWithoutAPrimaryOverTwoSeconds")).isEqualTo(1);
  }

  @Test
  void lostCommitsAreReportedOnlyWithAsynchronousReplication() {
    assertThat(FailoverDrillReport.reportedOnly(true)).containsOnly("eventsReceivedMoreThanOnce");
    assertThat(FailoverDrillReport.reportedOnly(false)).contains("eventsReceivedMoreThanOnce", "lostOrders",
        "chargesWithoutPaidOrderOrRefund", "eventsReceivedUnknown")
        .doesNotContain("answersNotPromised", "skusWithStockNotConserved", "doubleCharges", "paymentsOpen",
            "eventsUnpublished", "eventsNotReceived");
    assertThat(DrillAudit.RULES).containsAll(FailoverDrillReport.reportedOnly(false));
  }

  @Test
  void theChartDataCountsOrders201PerSecond() {
    assertThat(FailoverDrillReport.perSecondData(REQUESTS).lines().toList()).startsWith(
        "# second ok promised-4xx refused 5xx unpromised-4xx no-answer orders-201", "0 0 0 0 0 0 0 0")
        .contains("9 3 0 0 0 0 0 3", "10 0 0 2 0 0 0 0", "15 2 0 0 0 0 0 2", "16 1 0 0 0 0 0 1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theReportAndTheChartSayWhatHappened() {
    var fixture = new DrillAuditTests.Fixture();
    var audit = DrillAudit.audit(fixture.facts(), FailoverDrillReport.reportedOnly(true));
    Map<String, Object> report = new HashMap<>(Map.of("date", "2026-12-06T00:00:00Z", "replication", "sync",
        "primaryPort", "5440", "standbyPort", "5441", "shoppers", "12", "outcomes",
        DrillEnd.outcomeCounts(REQUESTS), "phases", List.of(), "notPromised", List.of(), "audit", audit,
        "chart", "x.png"));
    report.put("failover", failover(Set.of("o1", "o2", "o3", "o4", "o5", "p1")));
    report.put("passed", true);
    report.put("settledAfterSeconds", 3.0);
    report.put("replicationAtFence", "sync, 0 bytes of WAL not yet on its disk, 0 not yet replayed");
    String md = FailoverDrillReport.markdown(report);
    assertThat(md).contains("**Audit: passed**", "| orders 201 again (the first order, the probe's or a shopper's, sent after the primary was gone) | "
        + "5.25 s after the fence, 0.45 s after the promotion |", "| order | 1 × 201, 2 × 503 database-unavailable |",
        "| probe | 1 × 201 |",
        "| orders answered 201 and missing after the failover | 0 |");

    String script = FailoverDrillReport.gnuplotScript("x.png", "x.dat", new DrillTimeline(TIMELINE, 20), report);
    assertThat(script).contains("set arrow 1 from 10.20, graph 0", "set arrow 2 from 15.30, graph 0",
        "'primary :5440' 3", "'x.dat' using 1:8 with lines")
        // the old primary's band on top, the readiness at the bottom
        .contains("rect from 0.00, 2.65 to 10.20, 3.35 fc rgb '#1a7f37'",
            "rect from 10.20, 2.65 to 30.00, 3.35 fc rgb '#bfbfbf'", "rect from 11.00, 0.65 to 15.60, 1.35 fc rgb '#ed7d31'");
  }
}
