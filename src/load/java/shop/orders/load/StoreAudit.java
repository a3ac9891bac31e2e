package shop.orders.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * After a run: did the shop keep its promises? From the database and the gateway simulator's journal:
 * every order a client got 201 for exists; stock is conserved (initial = available + reserved by live orders); every
 * paid order has exactly one captured payment and one approved charge; every approved charge is explained (kept by
 * its paid order's captured payment, or refunded: its order's cancel, or a late charge reversed), so no order is
 * charged twice and no charge lacks its paid order; no payment is left authorizing, unknown or being reversed (it
 * waits for that, bounded).
 */
final class StoreAudit {
  private static final Pattern ORDER_ID = Pattern.compile("\"order_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  private static final Pattern PAYMENT_ID = Pattern.compile("\"payment_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  /** Payments whose outcome the service still has to learn or act on. */
  private static final String OPEN_PAYMENTS = "('AUTHORIZING', 'UNKNOWN', 'REVERSING')";

  private final String dbUrl;

  StoreAudit(String dbUrl) {
    this.dbUrl = dbUrl;
  }

  /** sku → available, taken before the run. */
  Map<String, Long> stockSnapshot() throws SQLException {
    try (Connection db = connect(); var rows = db.createStatement().executeQuery("select sku, available from product")) {
      Map<String, Long> stock = new HashMap<>();
      while (rows.next()) {
        stock.put(rows.getString(1), rows.getLong(2));
      }
      return stock;
    }
  }

  /**
   * Waits until no payment is authorizing, unknown or being reversed, but not before {@code notBeforeEpochMillis}
   * (late charges still landing) and at most {@code seconds} or until then; how long it took (-1: it never was).
   */
  long awaitSettled(int seconds, long notBeforeEpochMillis) throws SQLException, InterruptedException {
    long start = System.currentTimeMillis();
    long deadline = Math.max(start + seconds * 1000L, notBeforeEpochMillis);
    while (true) {
      long now = System.currentTimeMillis();
      if (now >= notBeforeEpochMillis
          && count("select count(*) from payment where status in " + OPEN_PAYMENTS) == 0) {
        return System.currentTimeMillis() - start;
      }
      if (now > deadline) {
        return -1;
      }
      Thread.sleep(now < notBeforeEpochMillis ? Math.min(2000, notBeforeEpochMillis - now) : 2000);
    }
  }

  Map<String, Object> audit(Set<String> ordersAnswered201, Map<String, Long> initialStock, Path gatewayJournal)
      throws SQLException, IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    try (Connection db = connect()) {
      Set<String> existing = new HashSet<>();
      try (var statement = db.prepareStatement("select id::text from customer_order where id = any(?::uuid[])")) {
        statement.setArray(1, db.createArrayOf("text", ordersAnswered201.toArray()));
        try (var rows = statement.executeQuery()) {
          while (rows.next()) {
            existing.add(rows.getString(1));
          }
        }
      }
      result.put("ordersAnswered201", ordersAnswered201.size());
      result.put("lostOrders", ordersAnswered201.size() - existing.size());

      long mismatched = 0;
      long oversold = 0;
      try (var rows = db.createStatement().executeQuery("""
          select p.sku, p.available,
                 coalesce(sum(l.quantity) filter (where o.status in ('PENDING_PAYMENT', 'PAID')), 0)
          from product p left join order_line l on l.sku = p.sku left join customer_order o on o.id = l.order_id
          group by p.sku, p.available""")) {
        while (rows.next()) {
          long initial = initialStock.getOrDefault(rows.getString(1), 0L);
          long live = rows.getLong(3);
          if (initial != rows.getLong(2) + live) {
            mismatched++;
          }
          oversold += Math.max(0, live - initial);
        }
      }
      result.put("skusWithStockNotConserved", mismatched);
      result.put("oversoldUnits", oversold);

      var journal = GatewayJournal.read(gatewayJournal);
      var charges = journal.approvedCharges();
      var refunded = journal.refundedPayments();
      // payment id -> "<payment status> <order status>"
      Map<String, String> states = new HashMap<>();
      try (var rows = db.createStatement().executeQuery(
          "select p.id::text, p.status, o.status from payment p join customer_order o on o.id = p.order_id")) {
        while (rows.next()) {
          states.put(rows.getString(1), rows.getString(2) + " " + rows.getString(3));
        }
      }
      Map<String, Integer> keptPerOrder = new HashMap<>();
      charges.forEach((payment, order) -> {
        if (!refunded.contains(payment)) {
          keptPerOrder.merge(order, 1, Integer::sum);
        }
      });
      result.put("approvedCharges", charges.size());
      result.put("lateCharges", journal.lateCharges());
      result.put("lateChargesWithoutWebhook", journal.lateChargesWithoutWebhook());
      result.put("chargesRefunded", charges.keySet().stream().filter(refunded::contains).count());
      result.put("doubleCharges", keptPerOrder.values().stream().filter(n -> n > 1).count());
      result.put("chargesWithoutPaidOrder", charges.keySet().stream()
          .filter(id -> !refunded.contains(id) && !"CAPTURED PAID".equals(states.get(id))).count());
      result.put("chargesUnexplained", charges.keySet().stream()
          .filter(id -> !explained(states.get(id), refunded.contains(id))).count());
      result.put("refundedChargesOfPaidOrders", charges.keySet().stream()
          .filter(id -> refunded.contains(id) && "CAPTURED PAID".equals(states.get(id))).count());
      result.put("refundsWithoutCharge", refunded.stream().filter(id -> !charges.containsKey(id)).count());

      Set<String> captured = new HashSet<>(ids(db,
          "select p.id::text from payment p join customer_order o on o.id = p.order_id "
              + "where p.status = 'CAPTURED' and o.status in ('PAID', 'REFUNDED')"));
      result.put("capturedWithoutCharge", captured.stream().filter(id -> !charges.containsKey(id)).count());
      result.put("paidOrdersWithoutExactlyOneCapture", count(db, """
          select count(*) from customer_order o
          where o.status = 'PAID'
            and (select count(*) from payment p where p.order_id = o.id and p.status = 'CAPTURED') <> 1"""));
      result.put("paidOrders", count(db, "select count(*) from customer_order where status = 'PAID'"));
      result.put("paymentsAuthorizingLeft", count(db, "select count(*) from payment where status = 'AUTHORIZING'"));
      result.put("paymentsUnknownLeft", count(db, "select count(*) from payment where status = 'UNKNOWN'"));
      result.put("chargesReversed", count(db, "select count(*) from payment where status = 'REVERSED'"));
      result.put("reversalsPending", count(db, "select count(*) from payment where status = 'REVERSING'"));
      result.put("lateChargeRefunds", count(db, "select count(*) from refund where reason = 'LATE_CHARGE'"));
      result.put("lateChargesPaidTheirOrder", count(db, "select count(*) from payment "
          + "where status = 'CAPTURED' and settled_by in ('WEBHOOK', 'LOOKUP', 'SWEEP')"));
      result.put("orphansFoundBySweep", count(db, "select count(*) from payment where settled_by = 'SWEEP'"));
      result.put("paymentsBySettlement", countsBy(db,
          "select coalesce(settled_by, 'OPEN') || ' ' || status, count(*) from payment group by 1 order by 1"));
    }
    boolean passed = List.of("lostOrders", "skusWithStockNotConserved", "oversoldUnits", "doubleCharges",
            "chargesWithoutPaidOrder", "chargesUnexplained", "refundedChargesOfPaidOrders", "refundsWithoutCharge",
            "capturedWithoutCharge", "paidOrdersWithoutExactlyOneCapture", "paymentsAuthorizingLeft",
            "paymentsUnknownLeft", "reversalsPending").stream()
        .allMatch(key -> ((Number) result.get(key)).longValue() == 0);
    result.put("passed", passed);
    return result;
  }

  /**
   * A charge is explained when the money it took is accounted for: its payment captured and its order paid; or
   * captured, its order refunded and the charge refunded; or a late charge reversed (refunded) that its order could
   * not take.
   */
  private static boolean explained(String paymentAndOrderStatus, boolean refunded) {
    return "CAPTURED PAID".equals(paymentAndOrderStatus)
        || refunded && ("CAPTURED REFUNDED".equals(paymentAndOrderStatus)
            || paymentAndOrderStatus != null && paymentAndOrderStatus.startsWith("REVERSED "));
  }

  /**
   * What the gateway simulator journalled: {@code approvedCharges} payment id → order id of every charge it approved
   * ("... /v1/payments <id> APPROVED {body}"), {@code refundedPayments} the payment ids it refunded ("... /v1/refunds
   * <refund id> REFUNDED {body with payment_id}"), and how many charges it recorded late ("... late-charge <id>
   * requested <instant> webhook sent|lost").
   */
  record GatewayJournal(Map<String, String> approvedCharges, Set<String> refundedPayments, long lateCharges,
                        long lateChargesWithoutWebhook) {

    static GatewayJournal read(Path journal) throws IOException {
      Map<String, String> charges = new HashMap<>();
      Set<String> refunded = new HashSet<>();
      long late = 0;
      long withoutWebhook = 0;
      if (Files.exists(journal)) {
        for (String line : Files.readAllLines(journal)) {
          String[] parts = line.split(" ", 5);
          if (parts.length == 5 && parts[1].equals("/v1/payments") && parts[3].equals("APPROVED")) {
            var order = ORDER_ID.matcher(parts[4]);
            charges.put(parts[2], order.find() ? order.group(1) : "unknown-order:" + parts[2]);
          } else if (parts.length == 5 && parts[1].equals("/v1/refunds") && parts[3].equals("REFUNDED")) {
            var payment = PAYMENT_ID.matcher(parts[4]);
            refunded.add(payment.find() ? payment.group(1) : "unknown-payment:" + parts[2]);
          } else if (parts.length >= 3 && parts[1].equals("late-charge")) {
            late++;
            if (line.endsWith(" webhook lost")) {
              withoutWebhook++;
            }
          }
        }
      }
      return new GatewayJournal(charges, refunded, late, withoutWebhook);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection db = connect()) {
      return count(db, sql);
    }
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (var rows = db.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** The first column's value → the second's, in the query's order. */
  private static Map<String, Long> countsBy(Connection db, String sql) throws SQLException {
    try (var rows = db.createStatement().executeQuery(sql)) {
      Map<String, Long> counts = new LinkedHashMap<>();
      while (rows.next()) {
        counts.put(rows.getString(1), rows.getLong(2));
      }
      return counts;
    }
  }

  private static List<String> ids(Connection db, String sql) throws SQLException {
    try (var rows = db.createStatement().executeQuery(sql)) {
      var ids = new ArrayList<String>();
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
      return ids;
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(dbUrl, "postgres", "");
  }
}
