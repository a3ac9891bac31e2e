package shop.orders.ops;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.PackagedService;
import shop.orders.testing.TestDatabase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM with no orchestrator in front: the packaged jar takes a stream of orders and payments (the gateway takes
 * 1.5 s per charge, so payments are in flight when the signal comes), and its clients stop sending once readiness
 * reads DOWN, as a load balancer that checks readiness does. Every request sent gets a complete answer: readiness
 * goes DOWN at once while the instance keeps serving for {@code quarkus.shutdown.delay}, then what is in flight
 * finishes (payments included) before the process exits, and the outbox relay's lease is handed back.
 * The service's output is in {@code target/graceful-drain-it/}.
 */
class GracefulDrainIT {
  private static final String SCHEMA = TestDatabase.SCHEMA + "_drain";
  private static final String DB_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + SCHEMA;
  private static final Path LOGS = Path.of("target/graceful-drain-it").toAbsolutePath();
  private static final int SHOPPERS = 6;
  private static final int CHARGE_MS = 1_500;
  /** How long readiness reads DOWN while the instance keeps serving: longer than the watcher needs to notice. */
  private static final Duration DELAY = Duration.ofSeconds(3);
  private static final String SKU = "drain-1";
  private static final Pattern ORDER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private static WireMockServer gateway;
  private static PackagedService service;

  /** One request: what it was, when it was sent (ms after the start of the stream), and its status or none. */
  record Sent(String kind, long sentAtMs, int status, String failure, String body) {
    boolean answered() {
      return failure == null;
    }
  }

  @BeforeAll
  static void up() throws Exception {
    assertThat(PackagedService.JAR).as("the packaged service: run mvn package first").isRegularFile();
    gateway = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(32));
    gateway.start();
    gateway.stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson("{\"status\":\"APPROVED\",\"gateway_ref\":\"pg-drain\"}").withFixedDelay(CHARGE_MS)));
    gateway.stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));

    var properties = new LinkedHashMap<String, String>();
    properties.put("quarkus.profile", "test");
    properties.put("quarkus.datasource.jdbc.url", DB_URL);
    properties.put("quarkus.flyway.schemas", SCHEMA);
    properties.put("quarkus.flyway.clean-disabled", "false");
    properties.put("quarkus.flyway.clean-at-start", "true");
    properties.put("quarkus.rest-client.payment-gateway.url", gateway.baseUrl());
    properties.put("quarkus.shutdown.delay", "PT" + DELAY.toSeconds() + "S");
    properties.put("order.events.relay-every", "1s");
    properties.put("payment.reconciliation.every", "off");
    properties.put("payment.sweep.every", "off");
    properties.put("order.expiry.every", "off");
    service = PackagedService.start("drain", LOGS.resolve("drain.log"), List.of("-XX:TieredStopAtLevel=1"),
        properties, Map.of(), Set.of());
    Runtime.getRuntime().addShutdownHook(new Thread(GracefulDrainIT::kill));
    assertThat(service.awaitReady(Duration.ofSeconds(60))).as("ready; output:%n%s", service.tail(40)).isTrue();
    try (var c = DriverManager.getConnection(DB_URL, "postgres", "");
         var insert = c.prepareStatement("insert into product (sku, name, price_minor, currency, available) "
             + "values (?, 'Drain test', 1000, 'KRW', 1000000)")) {
      insert.setString(1, SKU);
      insert.executeUpdate();
    }
  }

  @AfterAll
  static void down() {
    kill();
    if (gateway != null) {
      gateway.stop();
    }
  }

  private static void kill() {
    if (service != null && service.handle().isAlive()) {
      service.handle().destroyForcibly();
    }
  }

  @Test
  void everyRequestSentBeforeReadinessDroppedGetsACompleteAnswer() throws Exception {
    var sent = new ConcurrentLinkedQueue<Sent>();
    var stopSending = new java.util.concurrent.atomic.AtomicBoolean();
    var downSeenAtMs = new AtomicLong(-1);
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(SHOPPERS + 1);
    try {
      pool.submit(() -> watchReadiness(start, stopSending, downSeenAtMs));
      for (int i = 0; i < SHOPPERS; i++) {
        String token = LocalTokens.customer("drain-shopper-" + i + "-" + UUID.randomUUID());
        pool.submit(() -> shop(token, start, stopSending, sent));
      }
      // the stream runs until payments have been answered, at most 30 s
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (count(sent, "payment", 201) < 10 && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      long sigtermAtMs = elapsedMs(start);
      service.terminate();
      // a client that has not seen readiness drop yet (a load balancer's next check is seconds away): once readiness
      // reads DOWN, its request is still served, for the whole drain delay
      long downWithin = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (downSeenAtMs.get() < 0 && System.nanoTime() < downWithin) {
        Thread.sleep(10);
      }
      Sent lagging = send("order", "/api/orders", LocalTokens.customer("drain-lagging-" + UUID.randomUUID()),
          "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}", start);
      OptionalInt exit = service.exitWithin(Duration.ofSeconds(40));
      stopSending.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(40, TimeUnit.SECONDS)).as("the shoppers and the watcher stopped").isTrue();

      assertThat(exit).as("the process exited within delay + timeout; output:%n%s", service.tail(30)).isPresent();
      List<Sent> all = new ArrayList<>(sent);
      List<Sent> unanswered = all.stream().filter(s -> !s.answered()).toList();
      assertThat(unanswered).as("requests without a complete answer (of %d sent)", all.size()).isEmpty();
      assertThat(all).as("every answer: 201 (nothing was refused while the instance drained)")
          .allSatisfy(s -> assertThat(s.status()).as(s.toString()).isEqualTo(201));
      assertThat(downSeenAtMs.get()).as("readiness read DOWN after SIGTERM").isGreaterThanOrEqualTo(sigtermAtMs);
      assertThat(lagging.status()).as("a request after readiness read DOWN, within the delay: %s", lagging)
          .isEqualTo(201);
      assertThat(count(sent, "payment", 201)).as("payments answered").isGreaterThanOrEqualTo(10);
      assertThat(service.output()).as("an orderly shutdown").contains("stopped in");
      try (var c = DriverManager.getConnection(DB_URL, "postgres", "");
           var rs = c.createStatement().executeQuery(
               "select (select count(*) from outbox_lease), "
                   + "(select count(*) from payment where status <> 'CAPTURED'), "
                   + "(select count(*) from payment), "
                   + "(select count(*) from customer_order where status = 'PAID')")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the relay's lease handed back").isZero();
        assertThat(rs.getLong(2)).as("payments left open or failed by the shutdown").isZero();
        assertThat(rs.getLong(3)).as("every payment answered 201 is captured")
            .isEqualTo(count(sent, "payment", 201));
        assertThat(rs.getLong(4)).as("paid orders").isEqualTo(rs.getLong(3));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void shop(String token, long start, java.util.concurrent.atomic.AtomicBoolean stopSending,
                           ConcurrentLinkedQueue<Sent> sent) {
    for (int i = 0; i < 10_000 && !stopSending.get(); i++) {
      Sent order = send("order", "/api/orders", token, "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}",
          start);
      sent.add(order);
      if (order.status() != 201 || stopSending.get()) {
        return;
      }
      Matcher id = ORDER_ID.matcher(order.body());
      if (!id.find()) {
        throw new AssertionError("201 without an order id: " + order.body());
      }
      Sent payment = send("payment", "/api/orders/" + id.group(1) + "/payment", token,
          "{\"methodToken\":\"tok_visa\"}", start);
      sent.add(payment);
      if (payment.status() != 201) {
        return;
      }
    }
  }

  /** POSTs with a fresh Idempotency-Key; any I/O failure (refused, reset, cut short) is a request without an answer. */
  private static Sent send(String kind, String path, String token, String body, long start) {
    long at = elapsedMs(start);
    var request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Sent(kind, at, response.statusCode(), null, response.body());
    } catch (IOException e) {
      return new Sent(kind, at, 0, e.toString(), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sent(kind, at, 0, "interrupted", "");
    }
  }

  private static void watchReadiness(long start, java.util.concurrent.atomic.AtomicBoolean stopSending,
                                     AtomicLong downSeenAtMs) {
    var ready = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + service.managementPort + "/q/health/ready")).timeout(Duration.ofSeconds(1))
        .build();
    for (int i = 0; i < 2_000 && !stopSending.get(); i++) {
      int status;
      try {
        status = HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        status = 0;
      } catch (InterruptedException e) {
        return;
      }
      if (status != 200) {
        downSeenAtMs.compareAndSet(-1, elapsedMs(start));
        stopSending.set(true);
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static long count(ConcurrentLinkedQueue<Sent> sent, String kind, int status) {
    return sent.stream().filter(s -> s.kind().equals(kind) && s.status() == status).count();
  }

  private static long elapsedMs(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
