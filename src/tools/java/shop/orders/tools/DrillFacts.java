package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the drills' audits (DrillAudit) look at, gathered after the load: the service's database (as postgres, no
 * password: the drills' own databases on loopback), the gateway simulator's charge list and refund lookups, and the
 * events the drill's queue received. bin/upgrade-drill (UpgradeDrillReport) and bin/failover-drill
 * (FailoverDrillReport) share it.
 */
final class DrillFacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private DrillFacts() {
  }

  /**
   * Waits (at most {@code seconds}) until no payment or refund is open and every order event is published, then 2 s
   * more for the last confirmed batch to reach the queue; how long it took in milliseconds, -1 when it did not
   * settle. A database that does not answer counts as not settled yet.
   */
  static long awaitSettled(String dbUrl, int seconds) throws InterruptedException {
    long start = System.currentTimeMillis();
    long deadline = start + seconds * 1000L;
    while (true) {
      try (Connection db = connect(dbUrl)) {
        long open = count(db, "select count(*) from payment where status in ('AUTHORIZING', 'UNKNOWN', 'REVERSING')")
            + count(db, "select count(*) from refund where status in ('REFUNDING', 'UNKNOWN')")
            + count(db, "select count(*) from order_event where published_at is null");
        if (open == 0) {
          Thread.sleep(2000);   // the last confirmed batch reaches the queue
          return System.currentTimeMillis() - start;
        }
      } catch (SQLException e) {
        System.err.println("settling: the database did not answer: " + e.getMessage());
      }
      if (System.currentTimeMillis() > deadline) {
        return -1;
      }
      Thread.sleep(2000);
    }
  }

  /** The stock before the load: {@code psql -Atq -c 'select sku, available from product'}'s lines (sku|available). */
  static Map<String, Long> seedStock(Path file) throws IOException {
    Map<String, Long> seed = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] cells = line.split("\\|");
      if (cells.length == 2) {
        seed.put(cells[0], Long.parseLong(cells[1].trim()));
      }
    }
    return seed;
  }

  static DrillAudit.Facts gather(String dbUrl, String gatewayUrl, Map<String, Long> seed, List<DrillRequest> requests,
                                 List<DrillAudit.Received> received) throws Exception {
    var charges = charges(gatewayUrl);
    try (Connection db = connect(dbUrl)) {
      Set<String> answered = requests.stream().filter(DrillRequest::placedOrder).map(DrillRequest::orderId)
          .collect(Collectors.toSet());
      Set<String> inDb = new HashSet<>();
      try (var statement = db.prepareStatement("select id::text from customer_order where id = any(?::uuid[])")) {
        statement.setArray(1, db.createArrayOf("text", answered.toArray()));
        try (var rows = statement.executeQuery()) {
          while (rows.next()) {
            inDb.add(rows.getString(1));
          }
        }
      }
      var stock = new ArrayList<DrillAudit.Stock>();
      try (var rows = db.createStatement().executeQuery("""
          select p.sku, p.available,
                 coalesce(sum(l.quantity) filter (where o.status in ('PENDING_PAYMENT', 'PAID')), 0)
          from product p left join order_line l on l.sku = p.sku left join customer_order o on o.id = l.order_id
          group by p.sku, p.available""")) {
        while (rows.next()) {
          stock.add(new DrillAudit.Stock(rows.getString(1), seed.getOrDefault(rows.getString(1), 0L),
              rows.getLong(2), rows.getLong(3)));
        }
      }
      var payments = new ArrayList<DrillAudit.Payment>();
      try (var rows = db.createStatement().executeQuery(
          "select p.id::text, p.status, o.id::text, o.status from payment p join customer_order o on o.id = p.order_id")) {
        while (rows.next()) {
          payments.add(new DrillAudit.Payment(rows.getString(1), rows.getString(2), rows.getString(3),
              rows.getString(4)));
        }
      }
      Set<String> paid = new HashSet<>(strings(db, "select id::text from customer_order where status = 'PAID'"));
      Set<String> refunded = new HashSet<>();
      long unconfirmed = 0;
      try (var rows = db.createStatement().executeQuery(
          "select id::text, payment_id::text from refund where status = 'REFUNDED'")) {
        while (rows.next()) {
          if (refundedAtGateway(gatewayUrl, rows.getString(1))) {
            refunded.add(rows.getString(2));
          } else {
            unconfirmed++;
          }
        }
      }
      long openPayments = count(db,
          "select count(*) from payment where status in ('AUTHORIZING', 'UNKNOWN', 'REVERSING')");
      long openRefunds = count(db, "select count(*) from refund where status in ('REFUNDING', 'UNKNOWN')");
      var events = new ArrayList<DrillAudit.Event>();
      try (var rows = db.createStatement().executeQuery(
          "select id::text, order_id::text, seq, published_at is not null from order_event")) {
        while (rows.next()) {
          events.add(new DrillAudit.Event(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getBoolean(4)));
        }
      }
      return new DrillAudit.Facts(requests, inDb, stock, charges, payments, paid, refunded, unconfirmed,
          openPayments, openRefunds, events, received);
    }
  }

  /** The gateway's charge list, every page (bounded). */
  static List<DrillAudit.Charge> charges(String gateway) throws IOException, InterruptedException {
    var charges = new ArrayList<DrillAudit.Charge>();
    String after = null;
    for (int page = 0; page < 100_000; page++) {
      String url = gateway + "/v1/payments?created_after=1970-01-01T00:00:00Z&limit=100"
          + (after == null ? "" : "&starting_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
      var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("the gateway's charge list answered " + response.statusCode() + ": "
            + response.body());
      }
      JsonNode body = JSON.readTree(response.body());
      for (JsonNode c : body.path("data")) {
        charges.add(new DrillAudit.Charge(c.path("payment_id").asText(), c.path("order_id").asText(),
            c.path("status").asText()));
        after = c.path("payment_id").asText();
      }
      if (!body.path("has_more").asBoolean(false) || body.path("data").isEmpty()) {
        return charges;
      }
    }
    throw new IOException("the gateway's charge list did not end");
  }

  private static boolean refundedAtGateway(String gateway, String refundId) throws IOException, InterruptedException {
    var response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/refunds/" + refundId))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 && "REFUNDED".equals(JSON.readTree(response.body()).path("status").asText());
  }

  static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, "postgres", "");
  }

  static long count(Connection db, String sql) throws SQLException {
    try (var rows = db.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static List<String> strings(Connection db, String sql) throws SQLException {
    try (var rows = db.createStatement().executeQuery(sql)) {
      var result = new ArrayList<String>();
      while (rows.next()) {
        result.add(rows.getString(1));
      }
      return result;
    }
  }
}
