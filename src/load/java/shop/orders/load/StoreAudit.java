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
 * paid order has exactly one captured payment and one approved charge, no charge lacks its paid order (double
 * charges = 0); no payment is left authorizing, and unknown outcomes are settled (it waits for that, bounded).
 */
final class StoreAudit {
  private static final Pattern ORDER_ID = Pattern.compile("\"order_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

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

  /** Waits up to {@code seconds} until no payment is authorizing or unknown; how long it took (-1: it never was). */
  long awaitSettled(int seconds) throws SQLException, InterruptedException {
    long start = System.currentTimeMillis();
    long deadline = start + seconds * 1000L;
    while (true) {
      if (count("select count(*) from payment where status in ('AUTHORIZING', 'UNKNOWN')") == 0) {
        return System.currentTimeMillis() - start;
      }
      if (System.currentTimeMillis() > deadline) {
        return -1;
      }
      Thread.sleep(2000);
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

      var charges = approvedCharges(gatewayJournal);
      Map<String, Integer> chargesPerOrder = new HashMap<>();
      charges.values().forEach(order -> chargesPerOrder.merge(order, 1, Integer::sum));
      result.put("approvedCharges", charges.size());
      result.put("doubleCharges", chargesPerOrder.values().stream().filter(n -> n > 1).count());

      Set<String> captured = new HashSet<>(ids(db,
          "select p.id::text from payment p join customer_order o on o.id = p.order_id "
              + "where p.status = 'CAPTURED' and o.status in ('PAID', 'REFUNDED')"));
      result.put("chargesWithoutPaidOrder", charges.keySet().stream().filter(id -> !captured.contains(id)).count());
      result.put("capturedWithoutCharge", captured.stream().filter(id -> !charges.containsKey(id)).count());
      result.put("paidOrdersWithoutExactlyOneCapture", count(db, """
          select count(*) from customer_order o
          where o.status = 'PAID'
            and (select count(*) from payment p where p.order_id = o.id and p.status = 'CAPTURED') <> 1"""));
      result.put("paidOrders", count(db, "select count(*) from customer_order where status = 'PAID'"));
      result.put("paymentsAuthorizingLeft", count(db, "select count(*) from payment where status = 'AUTHORIZING'"));
      result.put("paymentsUnknownLeft", count(db, "select count(*) from payment where status = 'UNKNOWN'"));
    }
    boolean passed = List.of("lostOrders", "skusWithStockNotConserved", "oversoldUnits", "doubleCharges",
            "chargesWithoutPaidOrder", "capturedWithoutCharge", "paidOrdersWithoutExactlyOneCapture",
            "paymentsAuthorizingLeft", "paymentsUnknownLeft").stream()
        .allMatch(key -> ((Number) result.get(key)).longValue() == 0);
    result.put("passed", passed);
    return result;
  }

  /** payment id → order id of every charge the gateway approved (its journal: "... /v1/payments <id> APPROVED {body}"). */
  static Map<String, String> approvedCharges(Path journal) throws IOException {
    Map<String, String> charges = new HashMap<>();
    if (!Files.exists(journal)) {
      return charges;
    }
    for (String line : Files.readAllLines(journal)) {
      String[] parts = line.split(" ", 5);
      if (parts.length == 5 && parts[1].equals("/v1/payments") && parts[3].equals("APPROVED")) {
        var order = ORDER_ID.matcher(parts[4]);
        charges.put(parts[2], order.find() ? order.group(1) : "unknown-order:" + parts[2]);
      }
    }
    return charges;
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
