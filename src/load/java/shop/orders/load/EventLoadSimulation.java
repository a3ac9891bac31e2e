package shop.orders.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import shop.orders.testing.LocalTokens;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.uniformRandomSwitch;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * A flash-sale event against a running order-service (open workload model): background shoppers arrive at a
 * constant rate for the whole run; after the baseline a surge population ramps up to {@code surgeFactor} times the
 * baseline in total, then holds. Every arriving shopper does one of (5 : 1 : 1):
 * <ul>
 *   <li>browse: the first catalog page and one product (two requests, anonymous);</li>
 *   <li>cart: puts a product in the cart and reads the cart (two requests);</li>
 *   <li>buy: places an order with a fresh Idempotency-Key and, after a 201, pays it with another fresh key.</li>
 * </ul>
 * so requests come roughly as browse : cart : order : pay = 10 : 2 : 1 : 1. Orders and payments answered 429 or
 * 503 are retried with the same key after Retry-After (capped), at most {@code maxRetries} times. Surge buyers
 * order the event SKUs; everything else uses the ordinary catalog.
 *
 * <p>System properties (defaults in brackets): {@code baseUrl} [http://127.0.0.1:8080], loopback only;
 * {@code baselineSeconds} [30], {@code baselineRate} arriving shoppers per second [20], {@code rampSeconds} [30],
 * {@code holdSeconds} [60], {@code surgeFactor} [10], {@code customers} [500], {@code maxRetries} [3],
 * {@code retryAfterCapSeconds} [5], {@code thinkMillis} pause between a shopper's requests [300],
 * {@code eventSkus} [EVENT-001..EVENT-005], {@code normalSkus} how many SKU-nnnnn exist [1000].
 */
public class EventLoadSimulation extends Simulation {

  private static final String JSON = "application/json";
  private static final Map<String, Map<Integer, LongAdder>> STATUSES = new ConcurrentSkipListMap<>();
  private static final Queue<Attempt> ATTEMPTS = new ConcurrentLinkedQueue<>();
  private static volatile long runStart = System.currentTimeMillis();

  private final URI baseUrl = loopbackOnly(System.getProperty("baseUrl", "http://127.0.0.1:8080"));
  private final int baselineSeconds = intProperty("baselineSeconds", 30);
  private final double baselineRate = doubleProperty("baselineRate", 20);
  private final int rampSeconds = intProperty("rampSeconds", 30);
  private final int holdSeconds = intProperty("holdSeconds", 60);
  private final double surgeFactor = doubleProperty("surgeFactor", 10);
  private final int customers = intProperty("customers", 500);
  private final int maxRetries = intProperty("maxRetries", 3);
  private final int retryAfterCapSeconds = intProperty("retryAfterCapSeconds", 5);
  private final int thinkMillis = intProperty("thinkMillis", 300);
  private final int normalSkus = intProperty("normalSkus", 1000);
  private final List<String> eventSkus =
      List.of(System.getProperty("eventSkus", "EVENT-001,EVENT-002,EVENT-003,EVENT-004,EVENT-005").split(","));
  private final Path resultsDir = Path.of(System.getProperty("resultsDir", "target/load-event"));
  private final Optional<ReplaySettings> replaySettings =
      ReplaySettings.fromSystemProperties(baselineSeconds, resultsDir);
  private Replay replay;

  public EventLoadSimulation() {
    if (baselineSeconds < 0 || rampSeconds < 1 || holdSeconds < 0 || baselineRate <= 0 || surgeFactor < 1
        || customers < 1 || maxRetries < 0 || retryAfterCapSeconds < 0 || normalSkus < 1) {
      throw new IllegalArgumentException("a load property is out of range");
    }
    HttpProtocolBuilder protocol = http.baseUrl(baseUrl.toString())
        .acceptHeader(JSON)
        .userAgentHeader("order-service-event-load")
        // as behind an ingress: connections are pooled, not one per shopper
        .shareConnections();

    int total = baselineSeconds + rampSeconds + holdSeconds;
    double surgeRate = baselineRate * (surgeFactor - 1);
    PopulationBuilder background = shoppers("background", false)
        .injectOpen(constantUsersPerSec(baselineRate).during(total));
    List<PopulationBuilder> populations = new ArrayList<>(List.of(background));
    if (surgeRate > 0) {
      populations.add(shoppers("surge", true).injectOpen(
          nothingFor(baselineSeconds),
          rampUsersPerSec(surgeRate / rampSeconds).to(surgeRate).during(rampSeconds),
          constantUsersPerSec(surgeRate).during(Math.max(holdSeconds, 1))));
    }

    // a shopper's journey is bounded (retries included), so a short grace period lets the last ones finish
    int grace = 10 + 2 * (maxRetries + 1) * (retryAfterCapSeconds + 1);
    var setUp = setUp(populations).protocols(protocol).maxDuration(Duration.ofSeconds(total + grace));
    if (replaySettings.isEmpty()) {
      // an event load test fails on any answer the API does not document; a replay reports them instead
      setUp.assertions(global().failedRequests().count().is(0L));
    }
  }

  @Override
  public void before() {
    runStart = System.currentTimeMillis();
    replaySettings.ifPresent(settings -> replay = Replay.start(settings, runStart));
  }

  private ScenarioBuilder shoppers(String name, boolean surge) {
    List<Map<String, Object>> tokens = customerTokens(name);
    ChainBuilder browse = exec(
        http("GET /api/products?limit=20").get("/api/products?limit=20").check(recordedStatus(200, 503)),
        exec(record("GET /api/products?limit=20")),
        think(),
        exec(session -> session.set("sku", normalSku())),
        http("GET /api/products/{sku}").get("/api/products/#{sku}").check(recordedStatus(200, 503)),
        exec(record("GET /api/products/{sku}")));

    ChainBuilder cart = exec(
        feed(listFeeder(tokens).random()),
        exec(session -> session.set("sku", normalSku())),
        http("PUT /api/cart/items/{sku}").put("/api/cart/items/#{sku}")
            .header("Authorization", "Bearer #{token}")
            .body(StringBody("{\"quantity\":1}")).asJson()
            .check(recordedStatus(200, 422, 503)),
        exec(record("PUT /api/cart/items/{sku}")),
        think(),
        http("GET /api/cart").get("/api/cart")
            .header("Authorization", "Bearer #{token}")
            .check(recordedStatus(200, 503)),
        exec(record("GET /api/cart")));

    ChainBuilder buy = exec(
        feed(listFeeder(tokens).random()),
        exec(session -> session.set("sku", surge ? eventSku() : normalSku()).remove("orderId")),
        idempotentPost("POST /api/orders", "/api/orders",
            "{\"lines\":[{\"sku\":\"#{sku}\",\"quantity\":1}]}", new Integer[] {201, 409, 422, 429, 503}),
        doIf(session -> session.getInt("status") == 201 && session.contains("orderId")).then(
            think(),
            idempotentPost("POST /api/orders/{id}/payment", "/api/orders/#{orderId}/payment",
                "{\"methodToken\":\"tok_visa\"}", new Integer[] {201, 202, 402, 409, 429, 503})));

    return scenario(name).exec(uniformRandomSwitch().on(browse, browse, browse, browse, browse, cart, buy));
  }

  /**
   * A POST with a fresh Idempotency-Key; on 429 or 503 it waits Retry-After (at most the cap) and sends the same
   * request with the same key again, at most {@link #maxRetries} times. Leaves the last status in "status" (0 when
   * no response came back) and, for an order, its id in "orderId".
   */
  private ChainBuilder idempotentPost(String name, String path, String body, Integer[] expected) {
    return exec(
        exec(session -> session.set("idempotencyKey", UUID.randomUUID().toString())
            .set("attempt", 0).set("again", true)),
        asLongAs(session -> session.getBoolean("again")).on(
            exec(session -> session.remove("lastStatus").remove("retryAfter").remove("problemType")),
            http(session -> session.getInt("attempt") == 0 ? name : name + " (retry)").post(path)
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{idempotencyKey}")
                .body(StringBody(body)).asJson()
                .check(recordedStatus(expected))
                .check(jsonPath("$.id").optional().saveAs("orderIdCandidate")),
            exec(session -> record(session, session.getInt("attempt") == 0 ? name : name + " (retry)")),
            exec(this::afterAttempt),
            doIf(session -> session.getBoolean("again")).then(
                pause(session -> Duration.ofSeconds(session.getLong("waitSeconds"))))));
  }

  /** The status saved first (so it is known even when the expected-status check fails), then checked. */
  private static CheckBuilder[] recordedStatus(Integer... expected) {
    return new CheckBuilder[] {status().saveAs("lastStatus"), responseTimeInMillis().saveAs("latency"),
        header("Retry-After").optional().saveAs("retryAfter"), jsonPath("$.type").optional().saveAs("problemType"),
        status().in(expected)};
  }

  private static java.util.function.Function<Session, Session> record(String request) {
    return session -> record(session, request);
  }

  /**
   * Counts the request's status (0: no response) for the by-status summary written after the run, and leaves it in
   * "status".
   */
  private static Session record(Session session, String request) {
    int status = session.contains("lastStatus") ? session.getInt("lastStatus") : 0;
    STATUSES.computeIfAbsent(request, r -> new ConcurrentSkipListMap<>())
        .computeIfAbsent(status, st -> new LongAdder()).increment();
    boolean post = request.startsWith("POST");
    Attempt.Kind kind = !post ? Attempt.Kind.OTHER
        : request.contains("/payment") ? Attempt.Kind.PAYMENT : Attempt.Kind.ORDER;
    ATTEMPTS.add(new Attempt(System.currentTimeMillis() - runStart, session.scenario(), kind, request, status,
        session.contains("latency") ? session.getLong("latency") : -1, session.contains("retryAfter"),
        session.contains("problemType") ? problemName(session.getString("problemType")) : null,
        post ? session.getString("idempotencyKey") : null,
        kind == Attempt.Kind.ORDER && session.contains("orderIdCandidate") ? session.getString("orderIdCandidate")
            : null));
    Session next = session.remove("lastStatus").remove("latency").remove("problemType").set("status", status);
    // a GET or PUT keeps no Retry-After for later; a POST's is read by afterAttempt and cleared before its next try
    return post ? next : next.remove("retryAfter");
  }

  /** The last segment of a problem type URI, e.g. sku-busy. */
  private static String problemName(String type) {
    return type.substring(type.lastIndexOf('/') + 1);
  }

  @Override
  public void after() {
    var out = new StringBuilder("requests by status (0 = no response)\n");
    long all = STATUSES.values().stream().flatMap(m -> m.values().stream()).mapToLong(LongAdder::sum).sum();
    var totals = new TreeMap<Integer, Long>();
    STATUSES.forEach((request, byStatus) -> {
      long n = byStatus.values().stream().mapToLong(LongAdder::sum).sum();
      out.append("  %-40s %7d ".formatted(request, n));
      byStatus.forEach((status, count) -> {
        out.append(" %d: %d (%.1f%%)".formatted(status, count.sum(), 100.0 * count.sum() / n));
        totals.merge(status, count.sum(), Long::sum);
      });
      out.append('\n');
    });
    out.append("  %-40s %7d ".formatted("all", all));
    totals.forEach((status, count) -> out.append(" %d: %d (%.1f%%)".formatted(status, count, 100.0 * count / all)));
    out.append('\n');
    System.out.print(out);
    try {
      Files.createDirectories(resultsDir);
      Files.writeString(resultsDir.resolve("statuses.txt"), out);
      var report = new RunReport(ATTEMPTS);
      report.writeAttempts(resultsDir.resolve("requests.csv"));
      report.writeTimeSeries(resultsDir.resolve("timeseries.txt"));
      long plateau = 1000L * (baselineSeconds + rampSeconds);
      var orders = report.orders(plateau, plateau + 1000L * Math.max(holdSeconds, 1));
      if (replay != null) {
        replay.finish(report, orders);
      } else {
        Files.writeString(resultsDir.resolve("summary.json"), Replay.JSON.writeValueAsString(orders));
      }
      System.out.println("results in " + resultsDir.toAbsolutePath());
    } catch (Exception e) {
      System.err.println("cannot write the results to " + resultsDir + ": " + e);
      if (replay != null) {
        throw new IllegalStateException("the replay's results are incomplete", e);
      }
    }
  }

  private Session afterAttempt(Session session) {
    int status = session.getInt("status");
    int attempt = session.getInt("attempt");
    Session next = session.set("attempt", attempt + 1);
    if (status == 201 && session.contains("orderIdCandidate") && !session.contains("orderId")) {
      next = next.set("orderId", session.getString("orderIdCandidate"));
    }
    next = next.remove("orderIdCandidate");
    boolean retry = (status == 429 || status == 503) && attempt < maxRetries;
    long wait = retry ? Math.min(retryAfterSeconds(session), retryAfterCapSeconds) : 0;
    return next.set("again", retry).set("waitSeconds", wait);
  }

  private static long retryAfterSeconds(Session session) {
    if (!session.contains("retryAfter")) {
      return 1;
    }
    try {
      return Math.max(0, Long.parseLong(session.getString("retryAfter").trim()));
    } catch (NumberFormatException e) {
      return 1; // an HTTP date, which this service never sends
    }
  }

  private ChainBuilder think() {
    return thinkMillis <= 0 ? exec(session -> session)
        : pause(Duration.ofMillis(thinkMillis / 2), Duration.ofMillis(thinkMillis * 3L / 2));
  }

  private String normalSku() {
    return "SKU-%05d".formatted(ThreadLocalRandom.current().nextInt(1, normalSkus + 1));
  }

  private String eventSku() {
    return eventSkus.get(ThreadLocalRandom.current().nextInt(eventSkus.size()));
  }

  /** Customer ids are new on every run, so carts and rate-limit buckets of earlier runs do not carry over. */
  private List<Map<String, Object>> customerTokens(String population) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<Map<String, Object>> tokens = new ArrayList<>(customers);
    for (int i = 1; i <= customers; i++) {
      String id = "load-%s-%s-%d".formatted(run, population, i);
      tokens.add(Map.of("customerId", id, "token", LocalTokens.customer(id)));
    }
    return tokens;
  }

  /** Refuses anything but a loopback address: this load is never to be pointed at a shared environment. */
  static URI loopbackOnly(String url) {
    URI uri = URI.create(url);
    String host = uri.getHost();
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || host == null) {
      throw new IllegalArgumentException("baseUrl must be an http(s) URL: " + url);
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean loopback;
    if ("localhost".equalsIgnoreCase(literal)) {
      loopback = true;
    } else {
      try {
        loopback = InetAddress.ofLiteral(literal).isLoopbackAddress();
      } catch (IllegalArgumentException notAnAddress) {
        loopback = false; // a name other than localhost is never resolved: it could point anywhere
      }
    }
    if (!loopback) {
      throw new IllegalArgumentException("baseUrl must be a loopback address (127.0.0.0/8, ::1, localhost): " + url);
    }
    return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
  }

  private static int intProperty(String name, int defaultValue) {
    return Integer.parseInt(System.getProperty(name, Integer.toString(defaultValue)).trim());
  }

  private static double doubleProperty(String name, double defaultValue) {
    return Double.parseDouble(System.getProperty(name, Double.toString(defaultValue)).trim());
  }
}
