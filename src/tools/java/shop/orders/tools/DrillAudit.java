package shop.orders.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * bin/upgrade-drill's audit, on facts gathered from the shoppers' CSV, PostgreSQL, the gateway simulator and the
 * drill's own queue (UpgradeDrillReport gathers them). Each rule is a count of violations, and the audit passes when
 * every one is 0:
 * <ul>
 *   <li>answers: every answer is 2xx, a promised 4xx (problem+json with a type) or 503/429 with Retry-After;</li>
 *   <li>orders: every order a shopper got 201 for exists;</li>
 *   <li>stock: per SKU, seed stock = available + units in live orders (pending payment or paid); no unit oversold;</li>
 *   <li>charges: at most one charge kept (approved, not refunded) per order; every approved charge is kept by its
 *       order's captured payment of a paid order, or refunded; every paid order keeps exactly one charge; every
 *       captured payment and every refund has its approved charge; a refunded charge's order is not still paid;</li>
 *   <li>nothing open: no payment AUTHORIZING, UNKNOWN or REVERSING, no refund REFUNDING or UNKNOWN, no refund the
 *       service counts REFUNDED that the gateway does not know;</li>
 *   <li>events: every order_event row published and received by the drill's queue exactly once, each order's
 *       events numbered 1..n without gaps and received in that order, and nothing received that is not in the
 *       table. A repeat first published by a release before the relay drained on shutdown (its messages carry no
 *       AMQP app_id) is counted as a figure, not a violation: that release republished a batch its shutdown cut,
 *       which consumers absorb by deduplicating on the event id.</li>
 * </ul>
 */
final class DrillAudit {
  record Stock(String sku, long seed, long available, long liveUnits) {
  }

  /** A charge in the gateway's charge list. */
  record Charge(String paymentId, String orderId, String status) {
  }

  /** A payment row: its status, its order and the order's status. */
  record Payment(String paymentId, String status, String orderId, String orderStatus) {
  }

  record Event(String id, String orderId, int seq, boolean published) {
  }

  /**
   * An event as the drill's queue received it, in arrival order; {@code appId}: the AMQP app_id it came with, null
   * from a release before the relay drained on shutdown.
   */
  record Received(String id, String orderId, int seq, String appId) {
    Received(String id, String orderId, int seq) {
      this(id, orderId, seq, "order-service");
    }
  }

  /**
   * What the audit looks at. {@code refundedPayments}: payments whose refund the service counts REFUNDED and the
   * gateway confirms; {@code refundsUnconfirmed}: those the gateway does not know.
   */
  record Facts(List<DrillRequest> requests, Set<String> ordersInDb, List<Stock> stock, List<Charge> charges,
               List<Payment> payments, Set<String> paidOrders, Set<String> refundedPayments, long refundsUnconfirmed,
               long openPayments, long openRefunds, List<Event> events, List<Received> received) {
  }

  /** The rules in the report's order; each must count 0. */
  static final List<String> RULES = List.of("answersNotPromised", "lostOrders", "skusWithStockNotConserved",
      "oversoldUnits", "doubleCharges", "chargesWithoutPaidOrderOrRefund", "refundedChargesOfPaidOrders",
      "paidOrdersWithoutExactlyOneCharge", "capturedWithoutCharge", "refundsWithoutCharge", "refundsUnconfirmed",
      "paymentsOpen", "refundsOpen", "eventsUnpublished", "eventsNotReceived", "eventsReceivedMoreThanOnce",
      "eventsReceivedUnknown", "ordersWithSeqGaps", "ordersReceivedOutOfOrder");

  private DrillAudit() {
  }

  /** The rules' counts (RULES), some figures beside them, and "passed". */
  static Map<String, Object> audit(Facts facts) {
    return audit(facts, Set.of());
  }

  /**
   * As {@link #audit(Facts)}, but the rules in {@code reportedOnly} are counted and reported
   * ({@code reportedRules}: those whose count is not 0) without failing the audit: what a drill expects some runs to
   * break and reports honestly (bin/failover-drill with asynchronous replication: the commits the standby had not
   * received are lost, with what follows from that).
   */
  static Map<String, Object> audit(Facts facts, Set<String> reportedOnly) {
    Map<String, Long> rules = new LinkedHashMap<>();
    rules.put("answersNotPromised", facts.requests().stream().filter(r -> !r.allowed()).count());

    Set<String> answered = facts.requests().stream().filter(DrillRequest::placedOrder).map(DrillRequest::orderId)
        .collect(Collectors.toSet());
    rules.put("lostOrders", answered.stream().filter(id -> !facts.ordersInDb().contains(id)).count());

    rules.put("skusWithStockNotConserved", facts.stock().stream()
        .filter(s -> s.seed() != s.available() + s.liveUnits()).count());
    rules.put("oversoldUnits", facts.stock().stream().mapToLong(s -> Math.max(0, s.liveUnits() - s.seed())).sum()
        + facts.stock().stream().mapToLong(s -> Math.max(0, -s.available())).sum());

    var approved = facts.charges().stream().filter(c -> "APPROVED".equals(c.status())).toList();
    Set<String> refunded = facts.refundedPayments();
    Map<String, Payment> payments = facts.payments().stream()
        .collect(Collectors.toMap(Payment::paymentId, Function.identity(), (a, b) -> a));
    Map<String, Integer> keptPerOrder = new HashMap<>();
    approved.stream().filter(c -> !refunded.contains(c.paymentId()))
        .forEach(c -> keptPerOrder.merge(c.orderId(), 1, Integer::sum));
    rules.put("doubleCharges", keptPerOrder.values().stream().filter(n -> n > 1).count());
    rules.put("chargesWithoutPaidOrderOrRefund", approved.stream()
        .filter(c -> !refunded.contains(c.paymentId()) && !keptByPaidOrder(payments.get(c.paymentId()))).count());
    rules.put("refundedChargesOfPaidOrders", approved.stream()
        .filter(c -> refunded.contains(c.paymentId()) && keptByPaidOrder(payments.get(c.paymentId()))).count());
    rules.put("paidOrdersWithoutExactlyOneCharge", facts.paidOrders().stream()
        .filter(order -> keptPerOrder.getOrDefault(order, 0) != 1).count());
    Set<String> charged = approved.stream().map(Charge::paymentId).collect(Collectors.toSet());
    rules.put("capturedWithoutCharge", facts.payments().stream()
        .filter(p -> "CAPTURED".equals(p.status()) && !charged.contains(p.paymentId())).count());
    rules.put("refundsWithoutCharge", refunded.stream().filter(id -> !charged.contains(id)).count());
    rules.put("refundsUnconfirmed", facts.refundsUnconfirmed());
    rules.put("paymentsOpen", facts.openPayments());
    rules.put("refundsOpen", facts.openRefunds());

    rules.put("eventsUnpublished", facts.events().stream().filter(e -> !e.published()).count());
    Map<String, Long> receivedCount = facts.received().stream()
        .collect(Collectors.groupingBy(Received::id, Collectors.counting()));
    Set<String> eventIds = facts.events().stream().map(Event::id).collect(Collectors.toSet());
    rules.put("eventsNotReceived", eventIds.stream().filter(id -> !receivedCount.containsKey(id)).count());
    // a repeat is caused by the relay that published first and did not mark the batch: a release that drains its
    // relay on shutdown must cause none; one before it (no app_id) republished a batch cut by its shutdown, which
    // consumers absorb (they deduplicate by id): reported, not failed
    Map<String, Received> first = new HashMap<>();
    facts.received().forEach(r -> first.putIfAbsent(r.id(), r));
    rules.put("eventsReceivedMoreThanOnce", receivedCount.entrySet().stream()
        .filter(e -> e.getValue() > 1 && first.get(e.getKey()).appId() != null).count());
    long repeatedByEarlier = receivedCount.entrySet().stream()
        .filter(e -> e.getValue() > 1 && first.get(e.getKey()).appId() == null).count();
    rules.put("eventsReceivedUnknown", receivedCount.keySet().stream().filter(id -> !eventIds.contains(id)).count());
    Map<String, List<Integer>> seqs = new HashMap<>();
    facts.events().forEach(e -> seqs.computeIfAbsent(e.orderId(), k -> new ArrayList<>()).add(e.seq()));
    rules.put("ordersWithSeqGaps", seqs.values().stream().filter(list -> !oneToN(list)).count());
    Map<String, Integer> lastSeen = new HashMap<>();
    Set<String> outOfOrder = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (Received r : facts.received()) {
      if (!seen.add(r.id())) {
        continue;   // a repeat is counted above; the order is that of first arrivals
      }
      int before = lastSeen.getOrDefault(r.orderId(), 0);
      if (r.seq() != before + 1) {
        outOfOrder.add(r.orderId());
      }
      lastSeen.put(r.orderId(), Math.max(before, r.seq()));
    }
    rules.put("ordersReceivedOutOfOrder", (long) outOfOrder.size());

    Map<String, Object> result = new LinkedHashMap<>();
    var failed = rules.entrySet().stream().filter(e -> e.getValue() != 0 && !reportedOnly.contains(e.getKey()))
        .map(Map.Entry::getKey).toList();
    result.put("passed", failed.isEmpty());
    result.put("failedRules", failed);
    Map<String, Long> reported = new LinkedHashMap<>();
    rules.forEach((rule, n) -> {
      if (n != 0 && reportedOnly.contains(rule)) {
        reported.put(rule, n);
      }
    });
    result.put("reportedRules", reported);
    result.put("rules", rules);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("requests", facts.requests().size());
    figures.put("ordersAnswered201", answered.size());
    figures.put("ordersInDatabase", facts.ordersInDb().size());
    figures.put("paidOrders", facts.paidOrders().size());
    figures.put("approvedCharges", approved.size());
    figures.put("declinedCharges", facts.charges().size() - approved.size());
    figures.put("chargesRefunded", approved.stream().filter(c -> refunded.contains(c.paymentId())).count());
    figures.put("unitsInLiveOrders", facts.stock().stream().mapToLong(Stock::liveUnits).sum());
    figures.put("events", facts.events().size());
    figures.put("eventsReceived", facts.received().size());
    figures.put("eventsRepeatedByARelayWithoutDrain", repeatedByEarlier);
    figures.put("paymentsByStatus", facts.payments().stream()
        .collect(Collectors.groupingBy(Payment::status, java.util.TreeMap::new, Collectors.counting())));
    result.put("figures", figures);
    return result;
  }

  private static boolean keptByPaidOrder(Payment payment) {
    return payment != null && "CAPTURED".equals(payment.status()) && "PAID".equals(payment.orderStatus());
  }

  private static boolean oneToN(List<Integer> seqs) {
    var sorted = seqs.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i) != i + 1) {
        return false;
      }
    }
    return true;
  }
}
