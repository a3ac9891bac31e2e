package shop.orders.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.PackagedService;
import shop.orders.testing.TestDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static shop.orders.payment.PaymentScenarios.APPROVED;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) killed with SIGKILL in the middle of a payment
 * and started again: a crash at either side of the gateway call neither loses a charge nor charges twice, because
 * the payment is recorded before the call (transaction 1) and the reconciliation job settles whatever a crash left
 * open by asking the gateway, each payment exactly once.
 * <ul>
 *   <li><b>Between transaction 1 and the gateway call</b> (the charge never reaches the gateway): after the restart,
 *   the gateway's "not found" has the charge sent again under the payment's own key; the gateway makes it once, the
 *   payment is CAPTURED within seconds (long before its not-found window), and the buyer's retry with the key of
 *   the interrupted request replays the 201.</li>
 *   <li><b>Between the gateway call and transaction 2</b> (the gateway took the charge, its answer never recorded):
 *   after the restart, a lookup finds the charge and captures the payment once, the order is PAID, the client's
 *   retry with its Idempotency-Key replays the 201 of that same payment, and the gateway saw one charge request.</li>
 * </ul>
 * The test runs the jar as a child process of its own (test profile, its own schema, this run's with {@code _crash}, free
 * loopback ports, reconciliation every second), kills it with {@link PackagedService#kill()} (SIGKILL: exit
 * status 137, no shutdown) and starts it again on the same database. WireMock plays the gateway; for the first
 * scenario the service's gateway address is a loopback socket that takes the request and never answers or forwards
 * it. The service's output is in {@code target/payment-crash-it/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentCrashIT {
  private static final String SCHEMA = TestDatabase.SCHEMA + "_crash";
  private static final String DB_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + SCHEMA;
  private static final Path LOGS = Path.of("target/payment-crash-it").toAbsolutePath();
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  /** The gateway holds the charge this long before answering, far past the moment the service is killed. */
  private static final int CHARGE_DELAY_MS = 20_000;
  /** Exit status of a JVM ended by a signal: 128 + the signal's number (SIGKILL is 9; SIGTERM would be 143). */
  private static final int KILLED_BY_SIGKILL = 128 + 9;
  private static final String ADMIN = LocalTokens.admin("crash-test-operator");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static WireMockServer gateway;
  private static StallingGateway stall;
  /** The last one started, killed or not: its output goes with a failure. */
  private static PackagedService service;
  private static boolean schemaCleaned;
  private static Duration slowestStart;

  /** On any failure, the end of the service's output goes with the test's report. */
  @RegisterExtension
  static final TestExecutionExceptionHandler SERVICE_OUTPUT = (context, thrown) -> {
    PackagedService last = service;
    if (last != null) {
      thrown.addSuppressed(new AssertionError("last lines of " + last.log() + " (the output of every start is in "
          + LOGS + "):\n" + last.tail(80)));
    }
    throw thrown;
  };

  @BeforeAll
  static void gatewaysUp() throws IOException {
    assertThat(PackagedService.JAR).as("the packaged service: run mvn package first").isRegularFile();
    // enough threads that a held charge does not queue the lookups behind it
    gateway = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(64));
    gateway.start();
    stall = new StallingGateway();
    // a child left running by an aborted test JVM would keep its ports and its database connections
    Runtime.getRuntime().addShutdownHook(new Thread(PaymentCrashIT::killService));
  }

  @AfterEach
  void serviceDown() {
    killService();
  }

  @AfterAll
  static void gatewaysDown() throws IOException {
    killService();
    if (stall != null) {
      stall.close();
    }
    if (gateway != null) {
      gateway.stop();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The scenarios

  /** Runs first: how long its starts take sizes the other scenario's not-found window. */
  @Test
  @Order(1)
  void killedAfterTheGatewayTookTheChargeBeforeTransactionTwo() throws Exception {
    gateway.resetAll();
    gateway.stubFor(post(urlPathEqualTo("/v1/payments"))
        .willReturn(okJson(APPROVED).withFixedDelay(CHARGE_DELAY_MS)));
    // while it is still making the charge, the gateway has no record of it to show
    gateway.stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));
    Duration window = Duration.ofMinutes(2);
    service = start("call-then-kill-1", gateway.baseUrl(), window, true);
    Placed order = placeOrder();
    String key = UUID.randomUUID().toString();

    var unanswered = payInBackground(order, key);
    LoggedRequest charge = await("the gateway received the charge", Duration.ofSeconds(20), Duration.ofMillis(10),
        () -> gateway.findAll(postRequestedFor(urlPathEqualTo("/v1/payments"))).stream().findFirst());
    sigkill(service);

    assertNeverAnswered(unanswered);
    String paymentId = charge.getHeader("Idempotency-Key");
    JsonNode charged = JSON.readTree(charge.getBodyAsString());
    assertThat(charged.path("payment_id").asText()).isEqualTo(paymentId);
    assertThat(charged.path("order_id").asText()).isEqualTo(order.id());
    assertThat(payments(order)).as("transaction 1 committed, transaction 2 never ran")
        .extracting(PaymentRow::id, PaymentRow::status, PaymentRow::settledBy)
        .containsExactly(tuple(paymentId, "AUTHORIZING", null));
    assertThat(orderRow(order)).isEqualTo(new OrderRow("PENDING_PAYMENT", true));

    // the gateway has recorded the charge; only its answer was lost with the service
    gateway.stubFor(get(urlPathEqualTo("/v1/payments/" + paymentId)).willReturn(okJson(APPROVED)));
    service = start("call-then-kill-2", gateway.baseUrl(), window, false);

    Reply replay = replayOnceSettled(order, key);
    assertThat(replay.status()).as(replay.text()).isEqualTo(201);
    assertThat(replay.body().path("id").asText()).isEqualTo(paymentId);
    assertThat(replay.body().path("status").asText()).isEqualTo("CAPTURED");
    assertThat(replay.header("Idempotent-Replayed")).contains("true");

    PaymentRow captured = onlyPayment(order);
    assertThat(captured.id()).isEqualTo(paymentId);
    assertThat(captured.status() + "/" + captured.settledBy()).isEqualTo("CAPTURED/LOOKUP");
    assertThat(orderRow(order)).isEqualTo(new OrderRow("PAID", false));

    // exactly once: a settled payment is not leased or asked about again, and nothing moves it
    int lookups = gateway.findAll(getRequestedFor(urlPathEqualTo("/v1/payments/" + paymentId))).size();
    Thread.sleep(2_500);   // more than two reconciliation runs
    assertThat(onlyPayment(order)).isEqualTo(captured);
    assertThat(gateway.findAll(getRequestedFor(urlPathEqualTo("/v1/payments/" + paymentId)))).hasSize(lookups);
    assertThat(metric(service, "payments_outcome_total", "outcome=\"captured\"")).isEqualTo(1.0);
    assertThat(gateway.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).as("charge requests").hasSize(1);
    assertThat(gateway.findAll(postRequestedFor(urlPathEqualTo("/v1/refunds")))).as("refunds").isEmpty();
  }

  @Test
  @Order(2)
  void killedAfterTransactionOneBeforeTheGatewayHadTheCharge() throws Exception {
    gateway.resetAll();
    gateway.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(okJson(APPROVED)));
    gateway.stubFor(get(urlPathMatching("/v1/payments/.+")).willReturn(notFound()));
    stall.forgetRequests();
    Duration window = notFoundWindow();
    service = start("tx1-then-kill-1", stall.url(), window, true);
    Placed order = placeOrder();
    String firstKey = UUID.randomUUID().toString();

    var unanswered = payInBackground(order, firstKey);
    PaymentRow started = await("transaction 1 committed (payment AUTHORIZING)", Duration.ofSeconds(20),
        Duration.ofMillis(10), () -> payments(order).stream().filter(p -> p.status().equals("AUTHORIZING")).findFirst());
    awaitThat("the charge request on its way to the gateway", Duration.ofSeconds(10), Duration.ofMillis(10),
        () -> stall.holds("POST /v1/payments", started.id()));
    sigkill(service);

    assertNeverAnswered(unanswered);
    assertThat(payments(order)).as("transaction 1 committed, transaction 2 never ran").containsExactly(started);
    assertThat(started.settledBy()).isNull();
    assertThat(orderRow(order)).isEqualTo(new OrderRow("PENDING_PAYMENT", true));
    assertThat(gateway.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).as("charges at WireMock").isEmpty();

    service = start("tx1-then-kill-2", gateway.baseUrl(), window, false);

    // the gateway has no such payment: the charge is sent again under its own key, and the buyer's retry with the
    // key of the interrupted request gets its outcome, seconds after the restart instead of after the window
    Reply replay = replayOnceSettled(order, firstKey);
    assertThat(replay.status()).as(replay.text()).isEqualTo(201);
    assertThat(replay.body().path("id").asText()).isEqualTo(started.id());
    assertThat(replay.body().path("status").asText()).isEqualTo("CAPTURED");
    PaymentRow captured = onlyPayment(order);
    assertThat(captured.status() + "/" + captured.settledBy()).isEqualTo("CAPTURED/ANSWER");
    assertThat(captured.secondsLeftInWindow()).as("settled long before its not-found window (%s) ended", window)
        .isGreaterThan(1.0);
    assertThat(orderRow(order)).isEqualTo(new OrderRow("PAID", false));
    assertThat(gateway.findAll(getRequestedFor(urlPathEqualTo("/v1/payments/" + started.id()))))
        .as("looked up first").isNotEmpty();
    List<LoggedRequest> charges = gateway.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")));
    assertThat(charges).as("charge requests at WireMock: the one sent again").hasSize(1);
    assertThat(charges.getFirst().getHeader("Idempotency-Key")).isEqualTo(started.id());
    assertThat(metric(service, "payments_outcome_total", "outcome=\"captured\"")).isEqualTo(1.0);
    assertThat(metric(service, "payments_resends_total")).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The service as a process of its own

  /**
   * Starts the jar and waits until it is ready. {@code toBeKilled}: the gateway call may take 30 s instead of 2 s,
   * so that the moment chosen for the kill cannot be overtaken by the call's timeout and transaction 2.
   */
  private static PackagedService start(String name, String gatewayUrl, Duration notFoundWindow, boolean toBeKilled)
      throws Exception {
    var properties = new LinkedHashMap<String, String>();
    properties.put("quarkus.profile", "test");
    properties.put("quarkus.datasource.jdbc.url", DB_URL);
    properties.put("quarkus.flyway.schemas", SCHEMA);
    properties.put("quarkus.flyway.clean-disabled", "false");
    properties.put("quarkus.flyway.clean-at-start", String.valueOf(!schemaCleaned));
    properties.put("quarkus.rest-client.payment-gateway.url", gatewayUrl);
    properties.put("payment.reconciliation.every", "1s");
    properties.put("payment.reconciliation.first-check-after", "PT1S");
    properties.put("payment.reconciliation.retry-every", "PT1S");
    properties.put("payment.reconciliation.not-found-final-after", "PT" + notFoundWindow.toSeconds() + "S");
    properties.put("payment.sweep.every", "off");
    properties.put("order.expiry.every", "off");
    if (toBeKilled) {
      properties.put("quarkus.fault-tolerance.\"shop.orders.payment.PaymentGatewayClient/authorize\".timeout.value",
          "30000");
      properties.put("quarkus.rest-client.payment-gateway.read-timeout", "35000");
    }
    long began = System.nanoTime();
    // C1 only: the service starts four times, and its start-up is most of this test's time
    service = PackagedService.start(name, LOGS.resolve(name + ".log"), List.of("-XX:TieredStopAtLevel=1"),
        properties, Map.of(), Set.of());
    schemaCleaned = true;

    if (!service.awaitReady(READY_WITHIN)) {
      OptionalInt exit = service.exitWithin(Duration.ZERO);
      if (exit.isPresent()) {
        fail("%s exited with %d before it was ready", name, exit.getAsInt());
      }
      fail("%s not ready within %s", name, READY_WITHIN);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    slowestStart = slowestStart == null || took.compareTo(slowestStart) > 0 ? took : slowestStart;
    return service;
  }

  /** SIGKILL, and proof of it: the process is gone, ended by signal 9, without running its shutdown. */
  private static void sigkill(PackagedService killed) throws Exception {
    ProcessHandle handle = killed.handle();
    assertThat(handle.isAlive()).as("%s running before the kill", killed.name).isTrue();
    OptionalInt exit = killed.kill();
    assertThat(exit).as("%s gone after SIGKILL", killed.name).isPresent();
    handle.onExit().get(5, TimeUnit.SECONDS);
    assertThat(handle.isAlive()).isFalse();
    assertThat(ProcessHandle.of(handle.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(exit.getAsInt()).as("exit status of %s", killed.name).isEqualTo(KILLED_BY_SIGKILL);
    assertThat(Files.readString(killed.log(), StandardCharsets.ISO_8859_1))
        .as("no orderly shutdown ran").doesNotContain("stopped in");
  }

  private static void killService() {
    PackagedService running = service;
    if (running != null) {
      try {
        running.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The first scenario's not-found window, counted from transaction 1: it must outlast the kill, a restart and two
   * lookups, so it follows the slowest start seen so far (a few seconds on an idle machine, far more on a busy one).
   */
  private static Duration notFoundWindow() {
    if (slowestStart == null) {
      return Duration.ofSeconds(25);
    }
    // it runs from transaction 1 through the kill, a whole restart and two lookups: with another build on the two
    // cores a restart took 11.7 s against 4 s alone, and a window of 1.5 starts + 5 s closed before the lookups
    long seconds = Math.round(slowestStart.toMillis() * 2.5 / 1000.0) + 10;
    return Duration.ofSeconds(Math.clamp(seconds, 15, 60));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The API

  private record Placed(String token, String id) {}

  private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String type() {
      return body.path("type").asText("");
    }

    String text() {
      return status + " " + raw.body();
    }

    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }
  }

  /** A customer's order of 2 units of a fresh product. */
  /** The client's retry with {@code key}, once a second, until it replays the payment's outcome (409 meanwhile). */
  private static Reply replayOnceSettled(Placed order, String key) throws Exception {
    return await("the client's retry replays the payment's outcome", Duration.ofSeconds(30),
        Duration.ofMillis(250), () -> {
          Reply retry = pay(order, key);
          if (retry.status() == 409) {
            assertThat(retry.type()).as("409 while the outcome is open: %s", retry.text())
                .endsWith("/idempotency-key-in-flight");
            return Optional.empty();
          }
          return Optional.of(retry);
        });
  }

  private static Placed placeOrder() throws Exception {
    String sku = Api.prefix(PaymentCrashIT.class) + UUID.randomUUID().toString().substring(0, 8);
    Reply product = send("PUT", "/api/products/" + sku, ADMIN, null, """
        {"name":"Product %s","price":{"amountMinor":25000,"currency":"KRW"},"available":5}""".formatted(sku));
    assertThat(product.status()).as(product.text()).isIn(200, 201);
    String token = LocalTokens.customer(Api.newCustomer());
    Reply placed = send("POST", "/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 2));
    assertThat(placed.status()).as(placed.text()).isEqualTo(201);
    return new Placed(token, placed.body().path("id").asText());
  }

  private static Reply pay(Placed order, String key) throws Exception {
    return send("POST", "/api/orders/" + order.id() + "/payment", order.token(), key, "{\"methodToken\":\"tok_visa\"}");
  }

  /** A payment request whose answer the test does not wait for: the service is killed before it answers. */
  private static CompletableFuture<HttpResponse<String>> payInBackground(Placed order, String key) {
    return HTTP.sendAsync(request("POST", "/api/orders/" + order.id() + "/payment", order.token(), key,
        "{\"methodToken\":\"tok_visa\"}", Duration.ofSeconds(60)), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertNeverAnswered(CompletableFuture<HttpResponse<String>> request) throws Exception {
    try {
      HttpResponse<String> answered = request.get(10, TimeUnit.SECONDS);
      fail("the payment request was answered before the kill: %d %s", answered.statusCode(), answered.body());
    } catch (ExecutionException expected) {
      assertThat(expected.getCause()).as("the connection died with the service").isInstanceOf(IOException.class);
    }
  }

  private static Reply send(String method, String path, String token, String key, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(request(method, path, token, key, body, Duration.ofSeconds(15)),
        HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    return new Reply(response.statusCode(), json, response);
  }

  private static HttpRequest request(String method, String path, String token, String key, String body,
                                     Duration timeout) {
    var builder = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      builder.header("Idempotency-Key", key);
    }
    return builder.build();
  }

  /** A series' value summed over the lines of the service's metrics page that carry {@code labels}; 0 when absent. */
  private static double metric(PackagedService from, String name, String... labels) throws Exception {
    String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.managementPort
        + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return Metrics.sumIn(page, name, labels);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The database, read behind the service's back

  private record PaymentRow(String id, String status, String settledBy, Timestamp notFoundFinalAt,
                            Timestamp updatedAt, double secondsLeftInWindow) {
    /** Equal when the stored payment is the same; the seconds left depend on when it was read. */
    @Override
    public boolean equals(Object o) {
      return o instanceof PaymentRow p && id.equals(p.id) && status.equals(p.status)
          && java.util.Objects.equals(settledBy, p.settledBy) && notFoundFinalAt.equals(p.notFoundFinalAt)
          && updatedAt.equals(p.updatedAt);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }
  }

  private record OrderRow(String status, boolean paymentInProgress) {}

  private static Connection db() throws SQLException {
    return DriverManager.getConnection(DB_URL, "postgres", "");
  }

  private static List<PaymentRow> payments(Placed order) throws SQLException {
    try (var c = db(); var st = c.prepareStatement("""
        select id::text, status, settled_by, not_found_final_at, updated_at,
               extract(epoch from (not_found_final_at - now()))::float8
        from payment where order_id = ?::uuid order by created_at""")) {
      st.setString(1, order.id());
      try (var rs = st.executeQuery()) {
        var rows = new ArrayList<PaymentRow>();
        while (rs.next()) {
          rows.add(new PaymentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4),
              rs.getTimestamp(5), rs.getDouble(6)));
        }
        return rows;
      }
    }
  }

  private static PaymentRow onlyPayment(Placed order) throws SQLException {
    List<PaymentRow> rows = payments(order);
    assertThat(rows).as("payments of order %s", order.id()).hasSize(1);
    return rows.getFirst();
  }

  private static OrderRow orderRow(Placed order) throws SQLException {
    try (var c = db(); var st = c.prepareStatement(
        "select status, payment_in_progress from customer_order where id = ?::uuid")) {
      st.setString(1, order.id());
      try (var rs = st.executeQuery()) {
        assertThat(rs.next()).as("order %s stored", order.id()).isTrue();
        return new OrderRow(rs.getString(1), rs.getBoolean(2));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Asks {@code probe} every {@code every} until it finds something, at most for {@code within}. */
  private static <T> T await(String what, Duration within, Duration every, Callable<Optional<T>> probe)
      throws Exception {
    long attempts = Math.max(1, within.toMillis() / every.toMillis());
    long deadline = System.nanoTime() + within.toNanos();
    for (long i = 0; i < attempts && System.nanoTime() < deadline; i++) {
      Optional<T> found = probe.call();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(every.toMillis());
    }
    Optional<T> last = probe.call();
    if (last.isEmpty()) {
      fail("waited %s for: %s", within, what);
    }
    return last.get();
  }

  private static void awaitThat(String what, Duration within, Duration every, Callable<Boolean> condition)
      throws Exception {
    await(what, within, every, () -> condition.call() ? Optional.of(true) : Optional.empty());
  }

  /**
   * A gateway address that accepts connections and reads what is sent, and never answers or forwards anything: a
   * charge sent here is on its way and will never reach the gateway.
   */
  private static final class StallingGateway implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Map<Socket, StringBuffer> received = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    StallingGateway() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().name("stalling-gateway").start(this::acceptAll);
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Whether one connection carried all of {@code parts}. */
    boolean holds(String... parts) {
      synchronized (received) {
        return received.values().stream().map(StringBuffer::toString)
            .anyMatch(text -> java.util.Arrays.stream(parts).allMatch(text::contains));
      }
    }

    void forgetRequests() {
      received.clear();
    }

    private void acceptAll() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          held.add(socket);
          var text = new StringBuffer();
          received.put(socket, text);
          Thread.ofPlatform().daemon().name("stalling-gateway-read").start(() -> readAll(socket, text));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private static void readAll(Socket socket, StringBuffer text) {
      byte[] buffer = new byte[8192];
      try (InputStream in = socket.getInputStream()) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (IOException gone) {
        // the service died or the test is over
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
