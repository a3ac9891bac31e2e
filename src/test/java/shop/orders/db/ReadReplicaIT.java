package shop.orders.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.PackagedService;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service with a real streaming standby as its read replica (bin/pg-pair, asynchronous, on free
 * loopback ports of its own): catalog pages and order history are served by the standby while it keeps up; a
 * customer who just ordered sees the order in their history although the standby has stopped replaying it; a standby
 * that stops replaying sends the reads to the primary once it is further behind than db.replica.max-lag, and back
 * when it catches up; a standby that is down fails nothing and leaves readiness UP. The service's output and the
 * servers' logs are in {@code target/read-replica-it/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadReplicaIT {
  private static final Path LOGS = Path.of("target/read-replica-it").toAbsolutePath();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String SKU = "replica-1";
  private static Path pairDir;
  private static int primaryPort;
  private static int standbyPort;
  private static PackagedService service;

  @BeforeAll
  static void up() throws Exception {
    assertThat(PackagedService.JAR).as("the packaged service: run mvn package first").isRegularFile();
    Files.createDirectories(LOGS);
    primaryPort = PackagedService.freePort();
    standbyPort = PackagedService.freePort();
    // under /tmp, where the postgres user can reach it (bin/pg-pair gives it the directory)
    pairDir = Path.of(System.getProperty("java.io.tmpdir"), "read-replica-it-" + ProcessHandle.current().pid());
    pgPair("start", "async");

    var properties = new LinkedHashMap<String, String>();
    properties.put("quarkus.profile", "test");
    properties.put("quarkus.datasource.jdbc.url", url(primaryPort));
    properties.put("quarkus.datasource.replica.jdbc.url", url(standbyPort));
    properties.put("quarkus.flyway.schemas", "public");
    properties.put("quarkus.rest-client.payment-gateway.url", "http://127.0.0.1:9");
    properties.put("payment.reconciliation.every", "off");
    properties.put("payment.sweep.every", "off");
    properties.put("order.expiry.every", "off");
    service = PackagedService.start("read-replica", LOGS.resolve("service.log"), List.of("-XX:TieredStopAtLevel=1"),
        properties, Map.of(), Set.of());
    assertThat(service.awaitReady(Duration.ofSeconds(60))).as("ready; output:%n%s", service.tail(40)).isTrue();
    assertThat(send("PUT", "/api/products/" + SKU, LocalTokens.admin("replica-it"),
        "{\"name\":\"Replica test\",\"price\":{\"amountMinor\":1000,\"currency\":\"KRW\"},\"available\":1000,"
            + "\"event\":false}", "*").statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void down() throws Exception {
    if (service != null) {
      service.close();
    }
    if (pairDir != null) {
      for (String log : List.of("primary.log", "standby.log")) {
        Path from = pairDir.resolve(log);
        if (Files.exists(from)) {
          Files.copy(from, LOGS.resolve(log), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      pgPair("stop");
    }
  }

  @Test
  @Order(1)
  void theStandbyServesTheCatalogAndHistoryWhileItKeepsUp() throws Exception {
    awaitTrue("the replica's lag is known and under the bound", () -> lag() < 2.0);
    double before = reads("replica", "fresh");
    assertThat(send("GET", "/api/products?limit=50", null, null, null).body()).contains(SKU);
    assertThat(send("GET", "/api/orders", LocalTokens.customer("replica-quiet"), null, null).statusCode())
        .isEqualTo(200);
    assertThat(reads("replica", "fresh")).isEqualTo(before + 2);
  }

  @Test
  @Order(2)
  void aCustomerSeesTheOrderTheyJustPlacedWhileTheStandbyIsNotReplayingIt() throws Exception {
    sql(standbyPort, "select pg_wal_replay_pause()");
    try {
      String token = LocalTokens.customer("replica-ryw");
      var placed = send("POST", "/api/orders", token,
          "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}", null, UUID.randomUUID().toString());
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      String id = placed.body().replaceAll("(?s).*\"id\"\\s*:\\s*\"([0-9a-f-]{36})\".*", "$1");
      assertThat(sql(standbyPort, "select count(*) from customer_order where id = '" + id + "'"))
          .as("the standby has not replayed the order").isEqualTo("0");
      var history = send("GET", "/api/orders", token, null, null);
      assertThat(history.body()).as("the order in the history, read from the primary").contains(id);

      // the primary writes on; the standby, not replaying, falls behind the bound: reads go to the primary
      awaitTrue("the replica's lag over the bound", () -> lag() > 2.0);
      double lagging = reads("primary", "lagging");
      assertThat(send("GET", "/api/products?limit=50", null, null, null).statusCode()).isEqualTo(200);
      assertThat(reads("primary", "lagging")).isEqualTo(lagging + 1);
    } finally {
      sql(standbyPort, "select pg_wal_replay_resume()");
    }
    awaitTrue("the replica caught up", () -> lag() < 2.0);
    double fresh = reads("replica", "fresh");
    assertThat(send("GET", "/api/products?limit=50", null, null, null).statusCode()).isEqualTo(200);
    assertThat(reads("replica", "fresh")).isEqualTo(fresh + 1);
  }

  @Test
  @Order(3)
  void aStandbyThatIsDownFailsNothingAndLeavesReadinessUp() throws Exception {
    pgPair("standby", "stop");
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(send("GET", "/api/products?limit=50", null, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/orders", LocalTokens.customer("replica-down-" + i), null, null).statusCode())
            .isEqualTo(200);
        Thread.sleep(100);
      }
      assertThat(reads("primary", "replica_failed") + reads("primary", "lagging")).isGreaterThan(0);
      var ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort
          + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    } finally {
      pgPair("standby", "start");
    }
    awaitTrue("reads back on the restarted standby", () -> lag() < 2.0);
  }

  /**
   * The standby promoted beside a primary that goes on (a split brain, or the address left on a standby that a
   * failover elsewhere promoted): a fork whose WAL position, pushed past the primary's here, means nothing against the
   * primary's. No read is served by it; reads go to the primary, fail nothing, and readiness stays UP.
   */
  @Test
  @Order(4)
  void aStandbyPromotedBesideThePrimaryIsNeverRead() throws Exception {
    awaitTrue("the replica's lag is known and under the bound", () -> lag() < 2.0);
    pgPair("promote");
    awaitTrue("the standby is out of recovery", () -> !inRecovery(standbyPort));
    // what a read showed of a connection's server stays proven for db.replica.max-lag (a standby that far behind may be
    // read): past it, every read asks its server again
    Thread.sleep(2_500);
    assertThat(send("PUT", "/api/products/" + SKU, LocalTokens.admin("replica-it"),
        "{\"name\":\"Renamed on the primary\",\"price\":{\"amountMinor\":1000,\"currency\":\"KRW\"},"
            + "\"available\":1000,\"event\":false}", "*").statusCode()).isEqualTo(200);
    // the fork writes and moves to its next WAL segment: its position is now ahead of anything the primary wrote
    sql(standbyPort, "select txid_current()");
    sql(standbyPort, "select pg_switch_wal()");

    double fresh = reads("replica", "fresh");
    double elsewhere = reads("primary", "not_a_standby") + reads("primary", "lagging");
    for (int i = 0; i < 10; i++) {
      var page = send("GET", "/api/products?limit=50", null, null, null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).as("read %d shows the primary's product, not the fork's", i)
          .contains("Renamed on the primary");
      Thread.sleep(200);
    }
    assertThat(reads("replica", "fresh")).as("no read served by the fork").isEqualTo(fresh);
    assertThat(reads("primary", "not_a_standby") + reads("primary", "lagging")).isEqualTo(elsewhere + 10);
    assertThat(reads("primary", "not_a_standby")).as("a read that asked its server was turned away")
        .isGreaterThan(0);
    assertThat(service.tail(400)).contains("reaches a primary that is not the service's");
    var ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort
        + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
  }

  private static boolean inRecovery(int port) {
    try {
      return "true".equals(sql(port, "select pg_is_in_recovery()"));
    } catch (SQLException e) {
      return true;
    }
  }

  private static String url(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/orders";
  }

  private static double lag() {
    String page = metrics();
    return page.contains("db_replica_lag_seconds{") ? Metrics.sumIn(page, "db_replica_lag_seconds")
        : Double.POSITIVE_INFINITY;
  }

  private static double reads(String servedBy, String why) {
    return Metrics.sumIn(metrics(), "db_replica_reads_total", "served_by=\"" + servedBy + "\"",
        "why=\"" + why + "\"");
  }

  private static String metrics() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort + "/q/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && !condition.getAsBoolean()) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as(what + " within 20 s").isTrue();
  }

  private static HttpResponse<String> send(String method, String path, String token, String body, String ifMatch)
      throws IOException, InterruptedException {
    return send(method, path, token, body, ifMatch, null);
  }

  private static HttpResponse<String> send(String method, String path, String token, String body, String ifMatch,
                                           String idempotencyKey) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sql(int port, String statement) throws SQLException {
    try (var c = DriverManager.getConnection(url(port), "postgres", "");
         var s = c.createStatement(); var rs = s.executeQuery(statement)) {
      return rs.next() ? String.valueOf(rs.getObject(1)) : null;
    }
  }

  private static void pgPair(String... args) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<String>();
    command.add("bin/pg-pair");
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(LOGS.resolve("pg-pair.log").toFile()));
    builder.environment().put("PG_PAIR_DIR", pairDir.toString());
    builder.environment().put("PRIMARY_PORT", Integer.toString(primaryPort));
    builder.environment().put("STANDBY_PORT", Integer.toString(standbyPort));
    Process process = builder.start();
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("bin/pg-pair %s within 90 s", String.join(" ", args))
        .isTrue();
    assertThat(process.exitValue()).as("bin/pg-pair %s; see %s", String.join(" ", args), LOGS.resolve("pg-pair.log"))
        .isZero();
  }
}
