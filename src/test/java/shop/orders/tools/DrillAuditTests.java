package shop.orders.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bin/upgrade-drill's audit (DrillAudit) on fixed facts: a run that passes, and one break of each rule. */
class DrillAuditTests {
  /** The shoppers' CSV of a run that kept every promise. */
  static final String CSV = """
      second,kind,status,outcome,order_id,detail
      0.100,order,201,ok,o1,
      0.300,pay,201,ok,,
      0.500,order,409,promised-4xx,,out-of-stock
      0.700,pay,503,refused,,payment-gateway-unavailable
      0.900,pay,201,ok,,
      1.200,cart-put,200,ok,,
      1.300,checkout,201,ok,o2,
      1.400,pay,201,ok,,
      1.500,cancel-paid,200,ok,,
      2.100,order,201,ok,o3,
      2.200,order,201,ok,o3,
      2.400,pay,402,promised-4xx,,payment-declined
      """;

  /** The facts of that run, each list changeable by a test. */
  static final class Fixture {
    List<DrillRequest> requests = new ArrayList<>();
    Set<String> ordersInDb = new HashSet<>(Set.of("o1", "o2", "o3"));
    List<DrillAudit.Stock> stock = new ArrayList<>(List.of(new DrillAudit.Stock("SKU-00001", 10, 7, 3),
        new DrillAudit.Stock("EVENT-001", 2, 0, 2), new DrillAudit.Stock("SKU-00002", 5, 5, 0)));
    List<DrillAudit.Charge> charges = new ArrayList<>(List.of(new DrillAudit.Charge("p1", "o1", "APPROVED"),
        new DrillAudit.Charge("p2", "o2", "APPROVED"), new DrillAudit.Charge("p3", "o3", "DECLINED")));
    List<DrillAudit.Payment> payments = new ArrayList<>(List.of(new DrillAudit.Payment("p1", "CAPTURED", "o1", "PAID"),
        new DrillAudit.Payment("p2", "CAPTURED", "o2", "REFUNDED"),
        new DrillAudit.Payment("p3", "DECLINED", "o3", "PENDING_PAYMENT")));
    Set<String> paidOrders = new HashSet<>(Set.of("o1"));
    Set<String> refunded = new HashSet<>(Set.of("p2"));
    long refundsUnconfirmed;
    long openPayments;
    long openRefunds;
    List<DrillAudit.Event> events = new ArrayList<>(List.of(event("e1", "o1", 1), event("e2", "o1", 2),
        event("e3", "o2", 1), event("e4", "o2", 2), event("e5", "o2", 3), event("e6", "o3", 1),
        event("e7", "o3", 2)));
    List<DrillAudit.Received> received = new ArrayList<>(List.of(got("e1", "o1", 1), got("e3", "o2", 1),
        got("e2", "o1", 2), got("e4", "o2", 2), got("e6", "o3", 1), got("e5", "o2", 3), got("e7", "o3", 2)));

    Fixture() {
      CSV.lines().skip(1).map(DrillRequest::parse).forEach(requests::add);
    }

    DrillAudit.Facts facts() {
      return new DrillAudit.Facts(requests, ordersInDb, stock, charges, payments, paidOrders, refunded,
          refundsUnconfirmed, openPayments, openRefunds, events, received);
    }
  }

  static DrillAudit.Event event(String id, String order, int seq) {
    return new DrillAudit.Event(id, order, seq, true);
  }

  static DrillAudit.Received got(String id, String order, int seq) {
    return new DrillAudit.Received(id, order, seq);
  }

  private static Map<String, Object> audit(Consumer<Fixture> change) {
    var fixture = new Fixture();
    change.accept(fixture);
    return DrillAudit.audit(fixture.facts());
  }

  @SuppressWarnings("unchecked")
  private static void failsOn(String rule, Consumer<Fixture> change) {
    var result = audit(change);
    assertThat(result.get("passed")).as(rule).isEqualTo(false);
    assertThat((List<String>) result.get("failedRules")).as("failed rules").contains(rule);
    assertThat(((Map<String, Long>) result.get("rules")).get(rule)).as(rule).isPositive();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRunThatKeptEveryPromisePasses() {
    var result = audit(f -> { });
    assertThat(result.get("failedRules")).isEqualTo(List.of());
    assertThat(result.get("passed")).isEqualTo(true);
    assertThat(((Map<String, Long>) result.get("rules")).keySet()).containsExactlyElementsOf(DrillAudit.RULES);
    var figures = (Map<String, Object>) result.get("figures");
    assertThat(figures).containsEntry("ordersAnswered201", 3).containsEntry("approvedCharges", 2)
        .containsEntry("chargesRefunded", 1L).containsEntry("eventsReceived", 7);
  }

  /** A rule a drill expects some runs to break (lost commits of asynchronous replication) is reported, not failed. */
  @Test
  @SuppressWarnings("unchecked")
  void aRuleReportedOnlyIsCountedButDoesNotFail() {
    var fixture = new Fixture();
    fixture.ordersInDb.remove("o3");
    var result = DrillAudit.audit(fixture.facts(), Set.of("lostOrders"));
    assertThat(result.get("passed")).isEqualTo(true);
    assertThat(result.get("failedRules")).isEqualTo(List.of());
    assertThat(result.get("reportedRules")).isEqualTo(Map.of("lostOrders", 1L));
    assertThat(((Map<String, Long>) result.get("rules")).get("lostOrders")).isEqualTo(1L);

    fixture.stock.set(0, new DrillAudit.Stock("SKU-00001", 10, 6, 3));
    result = DrillAudit.audit(fixture.facts(), Set.of("lostOrders"));
    assertThat(result.get("passed")).isEqualTo(false);
    assertThat(result.get("failedRules")).isEqualTo(List.of("skusWithStockNotConserved"));
  }

  @Test
  void everyAnswerMustBeOneTheApiPromises() {
    failsOn("answersNotPromised", f -> f.requests.add(DrillRequest.parse("3.000,pay,502,5xx,,")));
    failsOn("answersNotPromised", f -> f.requests.add(DrillRequest.parse("3.000,order,500,5xx,,")));
    failsOn("answersNotPromised", f -> f.requests.add(DrillRequest.parse("3.000,order,0,no-answer,,timeout")));
    failsOn("answersNotPromised", f -> f.requests.add(DrillRequest.parse("3.000,order,404,unpromised-4xx,,")));
  }

  @Test
  void everyOrderAnswered201Exists() {
    failsOn("lostOrders", f -> f.ordersInDb.remove("o3"));
  }

  @Test
  void stockIsConservedAndNeverOversold() {
    failsOn("skusWithStockNotConserved", f -> f.stock.set(0, new DrillAudit.Stock("SKU-00001", 10, 6, 3)));
    failsOn("oversoldUnits", f -> f.stock.set(1, new DrillAudit.Stock("EVENT-001", 2, 0, 3)));
  }

  @Test
  void noOrderKeepsTwoCharges() {
    failsOn("doubleCharges", f -> {
      f.charges.add(new DrillAudit.Charge("p4", "o1", "APPROVED"));
      f.payments.add(new DrillAudit.Payment("p4", "CAPTURED", "o1", "PAID"));
    });
  }

  @Test
  void everyChargeIsKeptByItsPaidOrderOrRefunded() {
    failsOn("chargesWithoutPaidOrderOrRefund", f -> {
      f.charges.add(new DrillAudit.Charge("p5", "o3", "APPROVED"));
      f.payments.add(new DrillAudit.Payment("p5", "FAILED", "o3", "PENDING_PAYMENT"));
    });
    failsOn("chargesWithoutPaidOrderOrRefund", f -> f.charges.add(new DrillAudit.Charge("p6", "o3", "APPROVED")));
    failsOn("refundedChargesOfPaidOrders", f -> f.refunded.add("p1"));
    failsOn("paidOrdersWithoutExactlyOneCharge", f -> f.paidOrders.add("o3"));
    failsOn("capturedWithoutCharge", f -> f.payments.add(new DrillAudit.Payment("p7", "CAPTURED", "o3", "PAID")));
    failsOn("refundsWithoutCharge", f -> f.refunded.add("p9"));
    failsOn("refundsUnconfirmed", f -> f.refundsUnconfirmed = 1);
  }

  @Test
  void nothingIsLeftOpen() {
    failsOn("paymentsOpen", f -> f.openPayments = 1);
    failsOn("refundsOpen", f -> f.openRefunds = 2);
  }

  @Test
  void everyEventIsPublishedAndReceivedOnceInOrder() {
    failsOn("eventsUnpublished", f -> f.events.set(6, new DrillAudit.Event("e7", "o3", 2, false)));
    failsOn("eventsNotReceived", f -> f.received.removeIf(r -> r.id().equals("e7")));
    failsOn("eventsReceivedMoreThanOnce", f -> f.received.add(got("e2", "o1", 2)));
    failsOn("eventsReceivedUnknown", f -> f.received.add(got("e99", "o9", 1)));
    failsOn("ordersWithSeqGaps", f -> f.events.set(4, event("e5", "o2", 4)));
    failsOn("ordersReceivedOutOfOrder", f -> {
      f.received.remove(got("e1", "o1", 1));
      f.received.add(got("e1", "o1", 1));
    });
  }

  @Test
  void aRepeatedDeliveryDoesNotCountAsOutOfOrder() {
    @SuppressWarnings("unchecked")
    var rules = (Map<String, Long>) audit(f -> f.received.add(got("e1", "o1", 1))).get("rules");
    assertThat(rules).containsEntry("eventsReceivedMoreThanOnce", 1L).containsEntry("ordersReceivedOutOfOrder", 0L);
  }

  @Test
  void aRepeatFirstPublishedByARelayWithoutDrainIsAFigureNotAViolation() {
    Map<String, Object> result = audit(f -> {
      f.received.replaceAll(r -> r.id().equals("e2") ? new DrillAudit.Received("e2", "o1", 2, null) : r);
      f.received.add(got("e2", "o1", 2));
    });
    @SuppressWarnings("unchecked")
    var rules = (Map<String, Long>) result.get("rules");
    @SuppressWarnings("unchecked")
    var figures = (Map<String, Object>) result.get("figures");
    assertThat(rules).containsEntry("eventsReceivedMoreThanOnce", 0L);
    assertThat(figures).containsEntry("eventsRepeatedByARelayWithoutDrain", 1L);
    assertThat(result).containsEntry("passed", true);
  }

  @Test
  void answersAreClassifiedAsTheApiPromisesThem() {
    assertThat(DrillRequest.classify(201, false, false)).isEqualTo("ok");
    assertThat(DrillRequest.classify(409, true, true)).isEqualTo("promised-4xx");
    assertThat(DrillRequest.classify(409, false, false)).isEqualTo("unpromised-4xx");
    assertThat(DrillRequest.classify(503, true, true)).isEqualTo("refused");
    assertThat(DrillRequest.classify(429, true, true)).isEqualTo("refused");
    assertThat(DrillRequest.classify(503, false, false)).isEqualTo("5xx");
    assertThat(DrillRequest.classify(502, false, true)).isEqualTo("5xx");
    assertThat(DrillRequest.classify(0, false, false)).isEqualTo("no-answer");
    assertThat(UpgradeDrillLoad.problemType("application/problem+json",
        "{\"type\":\"https://problems.orders.shop/out-of-stock\",\"status\":409}")).isEqualTo("out-of-stock");
    assertThat(UpgradeDrillLoad.problemType("application/json", "{\"type\":\"x\"}")).isNull();
    assertThat(UpgradeDrillLoad.problemType("application/problem+json", "{\"status\":409}")).isNull();
    assertThat(UpgradeDrillLoad.retryAfterMillis("2")).isEqualTo(2000);
    assertThat(UpgradeDrillLoad.retryAfterMillis("60")).isEqualTo(5000);
    assertThat(UpgradeDrillLoad.retryAfterMillis("soon")).isEqualTo(1000);
  }

  @Test
  void theCsvReadsBackWhatWasWritten(@TempDir Path dir) throws IOException {
    var row = new DrillRequest(12.5, "order", 201, "ok", "o1", "a,b", 250);
    assertThat(row.csv()).isEqualTo("12.500,order,201,ok,o1,a;b,250");
    assertThat(row.answered()).isEqualTo(12.75);
    assertThat(DrillRequest.parse(row.csv())).isEqualTo(new DrillRequest(12.5, "order", 201, "ok", "o1", "a;b", 250));
    Path csv = dir.resolve("requests.csv");
    Files.writeString(csv, CSV);
    var rows = DrillRequest.read(csv);
    assertThat(rows).hasSize(12);
    // a CSV written before the answers' durations were recorded: each answered when it was sent, as far as is known
    assertThat(rows.get(2)).isEqualTo(new DrillRequest(0.5, "order", 409, "promised-4xx", null, "out-of-stock"));
    assertThat(rows.get(2).millis()).isEqualTo(-1);
    assertThat(rows.get(2).answered()).isEqualTo(0.5);
    Files.writeString(csv, DrillRequest.CSV_HEADER + "\n" + row.csv() + "\n");
    assertThat(DrillRequest.read(csv)).containsExactly(DrillRequest.parse(row.csv()));
    assertThatThrownBy(() -> DrillRequest.parse("1.0,order,201,fine,,")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DrillRequest.parse("1.0,order,201")).isInstanceOf(IllegalArgumentException.class);
  }
}
