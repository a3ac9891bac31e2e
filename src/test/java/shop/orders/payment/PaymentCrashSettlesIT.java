package shop.orders.payment;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.PackagedService;
import shop.orders.testing.TestDatabase;
import shop.orders.tools.GatewaySimulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash costs a buyer seconds, not their order: 60 customers each place an order and pay, the packaged jar is
 * killed with SIGKILL while their payments are under way, started again, and every customer retries with their
 * Idempotency-Key until the answer is final, as a storefront does. Within 60 s of the restart every intent is
 * settled (killed early, or when most payments were at the gateway) (201 captured or 402 declined), no order is charged twice, every paid order holds exactly one charge and
 * every charge one paid order, and stock is exact. The gateway is the project's simulator, which keeps its
 * providers' idempotency: a repeated key gets the charge made for it, or 409 while the first request with it is
 * still being processed. Three runs: killed early (right after the payments were sent), killed when most payments
 * were at the gateway, and killed with a gateway that records every charge 35 s late (the repeats meet 409 until
 * it lands). The reconciliation runs at its production period (10 s). Figures are printed and written to
 * {@code target/payment-crash-settles-it/figures.txt}; the service's output is beside them.
 */
class PaymentCrashSettlesIT {
  private static final Path DIR = Path.of("target/payment-crash-settles-it").toAbsolutePath();
  private static final int INTENTS = 60;
  private static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern APPROVED = Pattern.compile(" /v1/payments ([0-9a-f-]{36}) APPROVED ");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private PackagedService service;
  private GatewaySimulator gateway;
  private ExecutorService clients;

  /** One customer's intent: their order and the key of their payment request. */
  record Intent(String customer, String token, String orderId, String key) {
  }

  @AfterEach
  void down() {
    if (clients != null) {
      clients.shutdownNow();
    }
    if (service != null && service.handle().isAlive()) {
      service.handle().destroyForcibly();
    }
    if (gateway != null) {
      gateway.stop();
    }
  }

  @Test
  void killedRightAfterThePaymentsWereSent() throws Exception {
    // as soon as the first charge reached the gateway: most attempts are being recorded or about to be sent
    run("early", Map.of(), SETTLE_WITHIN, () -> gateway.chargesRequested() >= 1);
  }

  @Test
  void killedWhenMostPaymentsWereAtTheGateway() throws Exception {
    // at most 16 charge calls are at the gateway at once (the charge bulkhead): killed once most of them are
    run("in-flight", Map.of(), SETTLE_WITHIN, () -> gateway.chargesRequested() >= 12);
  }

  /**
   * Every charge lands 35 s after the gateway first got its key, and until then the gateway answers repeats 409:
   * to the service every charge call times out, which opens its breaker (customers are told 503 and retry), so this
   * gateway settles what it settles at its own pace. What must hold is one charge per order, whatever is settled
   * within 90 s, and every intent not settled by then still open, never lost or charged twice.
   */
  @Test
  void killedWithAGatewayThatRecordsChargesLate() throws Exception {
    run("late-gateway", Map.of("PG_LATE_RATE", "1", "PG_LATE_MS", "35000"), Duration.ofSeconds(90),
        () -> gateway.chargesRequested() >= INTENTS / 4);
  }

  @FunctionalInterface
  interface Moment {
    boolean reached() throws SQLException;
  }

  private void run(String name, Map<String, String> gatewayBehaviour, Duration settleWithin, Moment killWhen)
      throws Exception {
    String schema = TestDatabase.SCHEMA + "_settle_" + name.replace('-', '_');
    Files.createDirectories(DIR);
    Path journal = DIR.resolve(name + "-gateway-journal.log");
    Files.deleteIfExists(journal);
    var env = new HashMap<>(Map.of("PG_PORT", "0", "PG_LATENCY_MIN_MS", "400", "PG_LATENCY_MAX_MS", "900",
        "PG_TIMEOUT_RATE", "0", "PG_DECLINE_RATE", "0.1", "PG_WEBHOOK_URL", "", "PG_JOURNAL", journal.toString()));
    env.putAll(gatewayBehaviour);
    gateway = new GatewaySimulator(env);
    String gatewayUrl = "http://127.0.0.1:" + gateway.start();

    service = start(name + "-1", schema, gatewayUrl, true);
    String sku = "SETTLE-" + name;
    try (Connection c = connect(schema); var insert = c.prepareStatement("insert into product (sku, name, "
        + "price_minor, currency, available) values (?, 'Crash test', 15000, 'KRW', 1000)")) {
      insert.setString(1, sku);
      insert.executeUpdate();
    }
    List<Intent> intents = new ArrayList<>();
    for (int i = 0; i < INTENTS; i++) {
      String customer = "settle-" + name + "-" + i;
      String token = LocalTokens.customer(customer);
      var placed = send(service, "/api/orders", token, UUID.randomUUID().toString(),
          "{\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":" + (1 + i % 3) + "}]}");
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      intents.add(new Intent(customer, token, JSON.readTree(placed.body()).path("id").asText(),
          UUID.randomUUID().toString()));
    }

    // every customer pays at once; the process is killed at the chosen moment
    clients = Executors.newFixedThreadPool(INTENTS);
    List<Future<?>> first = new ArrayList<>();
    for (Intent intent : intents) {
      first.add(clients.submit(() -> pay(service, intent)));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!killWhen.reached() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    long paymentsAtKill = count(schema, "select count(*) from payment");
    int atTheGateway = gateway.chargesRequested();
    long capturedAtKill = count(schema, "select count(*) from payment where status = 'CAPTURED'");
    assertThat(service.kill()).as("killed by SIGKILL").hasValue(137);
    first.forEach(f -> f.cancel(true));

    long restart = System.nanoTime();
    service = start(name + "-2", schema, gatewayUrl, false);
    double readyAfter = seconds(restart);

    // every customer retries with their key until the answer is final, for at most 60 s after the restart
    Map<String, Integer> finalStatus = new LinkedHashMap<>();
    Map<String, Double> settledAfter = new LinkedHashMap<>();
    long deadline = restart + settleWithin.toNanos();
    List<Future<?>> retries = new ArrayList<>();
    for (Intent intent : intents) {
      retries.add(clients.submit(() -> {
        for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
          HttpResponse<String> answer = pay(service, intent);
          if (answer != null && (answer.statusCode() == 201 || answer.statusCode() == 402)) {
            synchronized (finalStatus) {
              finalStatus.put(intent.orderId(), answer.statusCode());
              settledAfter.put(intent.orderId(), seconds(restart));
            }
            return null;
          }
          Thread.sleep(1_000);
        }
        return null;
      }));
    }
    for (Future<?> retry : retries) {
      retry.get(settleWithin.toSeconds() + 30, TimeUnit.SECONDS);
    }

    // what the gateway charged, from its journal: a charge's line is written once, when it records it
    Map<String, Integer> approvedPerPayment = new HashMap<>();
    for (String line : Files.readAllLines(journal)) {
      Matcher m = APPROVED.matcher(line);
      if (m.find()) {
        approvedPerPayment.merge(m.group(1), 1, Integer::sum);
      }
    }
    Map<String, Integer> chargesPerOrder = new HashMap<>();
    Map<String, String> orderStatus = new HashMap<>();
    Map<String, Long> capturedPerOrder = new HashMap<>();
    long available;
    long liveUnits;
    try (Connection c = connect(schema)) {
      try (var rs = c.createStatement().executeQuery("select id::text, order_id::text, status from payment")) {
        while (rs.next()) {
          if (approvedPerPayment.containsKey(rs.getString(1))) {
            chargesPerOrder.merge(rs.getString(2), approvedPerPayment.get(rs.getString(1)), Integer::sum);
          }
          if ("CAPTURED".equals(rs.getString(3))) {
            capturedPerOrder.merge(rs.getString(2), 1L, Long::sum);
          }
        }
      }
      try (var rs = c.createStatement().executeQuery("select id::text, status from customer_order")) {
        while (rs.next()) {
          orderStatus.put(rs.getString(1), rs.getString(2));
        }
      }
      available = count(schema, "select available from product where sku = '" + sku + "'");
      liveUnits = count(schema, "select coalesce(sum(l.quantity), 0) from order_line l join customer_order o "
          + "on o.id = l.order_id where l.sku = '" + sku + "' and o.status in ('PENDING_PAYMENT', 'PAID')");
    }
    long captured = finalStatus.values().stream().filter(s -> s == 201).count();
    double slowest = settledAfter.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    String figures = String.format(java.util.Locale.ROOT, "%s: %d intents; at the kill %d payments recorded, %d "
            + "at the gateway, %d captured; ready %.1f s after the restart; settled %d (captured %d, declined %d), the last %.1f s "
            + "after the restart; gateway charges %d, orders charged twice %d; stock %d + %d in live orders = %d",
        name, INTENTS, paymentsAtKill, atTheGateway, capturedAtKill, readyAfter, finalStatus.size(), captured,
        finalStatus.size() - captured, slowest, approvedPerPayment.values().stream().mapToInt(Integer::intValue).sum(),
        chargesPerOrder.values().stream().filter(n -> n > 1).count(), available, liveUnits, available + liveUnits);
    System.out.println(figures);
    Files.writeString(DIR.resolve("figures.txt"), figures + System.lineSeparator(),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);

    boolean lateGateway = gatewayBehaviour.containsKey("PG_LATE_RATE");
    if (!lateGateway) {
      assertThat(finalStatus).as("intents settled within %s of the restart", settleWithin).hasSize(INTENTS);
    } else {
      assertThat(finalStatus).as("intents the late gateway let settle within %s", settleWithin).isNotEmpty();
    }
    assertThat(approvedPerPayment.values()).as("a payment charged twice at the gateway").allMatch(n -> n == 1);
    assertThat(chargesPerOrder.values()).as("an order charged twice").allMatch(n -> n == 1);
    for (Intent intent : intents) {
      String order = intent.orderId();
      if (!finalStatus.containsKey(order)) {
        // not settled for its customer yet (the late gateway only): waiting for its payment, or paid since the
        // customer's last retry; never charged twice, and a paid order holds its one charge
        assertThat(orderStatus.get(order)).as("order %s not settled yet", order).isIn("PENDING_PAYMENT", "PAID");
        assertThat(chargesPerOrder.getOrDefault(order, 0)).as("charges of unsettled order %s", order).isLessThan(2);
        if ("PAID".equals(orderStatus.get(order))) {
          assertThat(chargesPerOrder.get(order)).as("charges of paid order %s", order).isEqualTo(1);
        }
        continue;
      }
      if (finalStatus.get(order) == 201) {
        assertThat(orderStatus.get(order)).as("order %s answered 201", order).isEqualTo("PAID");
        assertThat(capturedPerOrder.get(order)).as("captured payments of %s", order).isEqualTo(1L);
        assertThat(chargesPerOrder.get(order)).as("charges of paid order %s", order).isEqualTo(1);
      } else {
        assertThat(orderStatus.get(order)).as("order %s answered 402", order).isEqualTo("PENDING_PAYMENT");
        assertThat(chargesPerOrder.getOrDefault(order, 0)).as("charges of declined order %s", order).isZero();
      }
    }
    assertThat(available + liveUnits).as("stock: available + units in live orders").isEqualTo(1000);
    assertThat(count(schema, "select count(*) from payment where status in ('AUTHORIZING', 'UNKNOWN')"))
        .as("payments left open").isLessThanOrEqualTo(INTENTS - finalStatus.size());
  }

  private static PackagedService start(String name, String schema, String gatewayUrl, boolean clean)
      throws Exception {
    var properties = new LinkedHashMap<String, String>();
    properties.put("quarkus.profile", "test");
    properties.put("quarkus.datasource.jdbc.url", url(schema));
    properties.put("quarkus.flyway.schemas", schema);
    properties.put("quarkus.flyway.clean-disabled", "false");
    properties.put("quarkus.flyway.clean-at-start", String.valueOf(clean));
    properties.put("quarkus.rest-client.payment-gateway.url", gatewayUrl);
    // production's periods (the test profile turns the jobs off)
    properties.put("payment.reconciliation.every", "10s");
    properties.put("payment.sweep.every", "off");
    properties.put("order.expiry.every", "off");
    PackagedService started = PackagedService.start(name, DIR.resolve(name + ".log"),
        List.of("-XX:TieredStopAtLevel=1"), properties, Map.of(), Set.of());
    assertThat(started.awaitReady(Duration.ofSeconds(60))).as("%s ready; output:%n%s", name, started.tail(40))
        .isTrue();
    return started;
  }

  /** The customer's payment request with their key; null when it got no answer (the process died under it). */
  private static HttpResponse<String> pay(PackagedService to, Intent intent) {
    try {
      return send(to, "/api/orders/" + intent.orderId() + "/payment", intent.token(), intent.key(),
          "{\"methodToken\":\"tok_visa\"}");
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static HttpResponse<String> send(PackagedService to, String path, String token, String key, String body)
      throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create(to.baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String url(String schema) {
    return "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + schema;
  }

  private static Connection connect(String schema) throws SQLException {
    return DriverManager.getConnection(url(schema), "postgres", "");
  }

  private static long count(String schema, String sql) throws SQLException {
    try (Connection c = connect(schema); var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0;   // not migrated yet
      }
      throw e;
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
