package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import shop.orders.testing.LocalTokens;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The shopper load of bin/upgrade-drill and bin/failover-drill, run on the tools' class path (bin/lib.sh
 * prepare_tools):
 * {@code UpgradeDrillLoad <base-url> <shoppers> <csv> <stop-file> <max-seconds> <t0-epoch-millis> [<probe-millis>]}.
 *
 * <p>Each shopper loops until {@code stop-file} exists or {@code max-seconds} pass (and at most 100,000 rounds): as a
 * customer of its own for the round (fresh per round, so the per-customer limits do not throttle the drill), it puts
 * one to three lines in its cart and checks out, or places the order directly; then it cancels the pending order
 * (about 1 in 8) or pays it, and cancels about 1 in 8 paid orders (a refund). Every POST that creates something
 * carries an Idempotency-Key. An answer with Retry-After (503, 429, 409 idempotency-key-in-flight) is waited for and
 * the same request sent again with the same key; so is a request that got no complete answer (reset, end of stream,
 * timeout). Each request is bounded (10 s) and so are its repeats (12 attempts, 60 s).
 *
 * <p>With {@code probe-millis}, a probe besides the shoppers (bin/failover-drill's clock of when orders are taken
 * again): one order of one unit at a time, each as a customer of its own, sent every {@code probe-millis}; a refused
 * one is sent again with the same key every {@code probe-millis}, not after its Retry-After, since the probe times
 * the service, not a client's backoff. Its requests are of kind {@code probe}.
 *
 * <p>Every attempt is a row of {@code csv}: {@code second,kind,status,outcome,order_id,detail,millis}, second since
 * {@code t0-epoch-millis} (the drill's clock) when it was sent, status 0 when there was no answer, outcome one of
 * {@link DrillRequest#OUTCOMES}, order_id the order a 201 created (order and checkout), millis until its answer (or
 * its failure). Loopback only.
 */
public final class UpgradeDrillLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ROUNDS = 100_000;
  private static final int MAX_ATTEMPTS = 12;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long REPEAT_BUDGET_MILLIS = 60_000;
  private static final int SKUS = 1000;
  private static final String[] EVENT_SKUS = {"EVENT-001", "EVENT-002", "EVENT-003", "EVENT-004", "EVENT-005"};
  /** The kinds of request whose 201 places an order. */
  private static final List<String> PLACING = List.of("order", "checkout", "probe");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();
  private final URI base;
  private final long t0;
  private final Path stopFile;
  private final long endMillis;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final ConcurrentLinkedQueue<DrillRequest> rows = new ConcurrentLinkedQueue<>();

  private UpgradeDrillLoad(URI base, long t0, Path stopFile, long endMillis) {
    this.base = base;
    this.t0 = t0;
    this.stopFile = stopFile;
    this.endMillis = endMillis;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println("usage: UpgradeDrillLoad <base-url> <shoppers> <csv> <stop-file> <max-seconds> "
          + "<t0-epoch-millis> [<probe-millis>]");
      System.exit(2);
    }
    URI base = URI.create(args[0].replaceAll("/+$", ""));
    if (!List.of("127.0.0.1", "localhost").contains(base.getHost())) {
      System.err.println("UpgradeDrillLoad: loopback only, not " + base);
      System.exit(2);
    }
    int shoppers = Integer.parseInt(args[1]);
    Path csv = Path.of(args[2]);
    long maxSeconds = Long.parseLong(args[4]);
    var load = new UpgradeDrillLoad(base, Long.parseLong(args[5]), Path.of(args[3]),
        System.currentTimeMillis() + maxSeconds * 1000);
    long probeMillis = args.length == 7 ? Long.parseLong(args[6]) : 0;
    ExecutorService pool = Executors.newFixedThreadPool(shoppers + (probeMillis > 0 ? 1 : 0));
    for (int i = 0; i < shoppers; i++) {
      int shopper = i;
      pool.submit(() -> load.shop(shopper));
    }
    if (probeMillis > 0) {
      pool.submit(() -> load.probe(probeMillis));
    }
    pool.shutdown();
    boolean ended = pool.awaitTermination(maxSeconds + REPEAT_BUDGET_MILLIS / 1000 + 30, TimeUnit.SECONDS);
    if (!ended) {
      pool.shutdownNow();
      pool.awaitTermination(15, TimeUnit.SECONDS);
    }
    load.write(csv);
    System.out.println("drill load: " + load.rows.size() + " requests by " + shoppers + " shoppers"
        + (ended ? "" : " (some shoppers did not finish in time)"));
    System.exit(ended ? 0 : 1);
  }

  private boolean going() {
    return System.currentTimeMillis() < endMillis && !Files.exists(stopFile);
  }

  private void shop(int shopper) {
    try {
      for (int round = 0; round < MAX_ROUNDS && going(); round++) {
        round(LocalTokens.customer("drill-" + run + "-" + shopper + "-" + round));
        Thread.sleep(ThreadLocalRandom.current().nextLong(20, 120));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      System.err.println("shopper " + shopper + " stopped: " + e);
    }
  }

  /** The probe's loop: see the class's description. */
  private void probe(long everyMillis) {
    try {
      for (int n = 0; n < MAX_ROUNDS && going(); n++) {
        String token = LocalTokens.customer("probe-" + run + "-" + n);
        String key = UUID.randomUUID().toString();
        String body = "{\"lines\":[{\"sku\":\"SKU-%05d\",\"quantity\":1}]}"
            .formatted(1 + ThreadLocalRandom.current().nextInt(SKUS));
        Attempted attempted;
        do {
          long sent = System.currentTimeMillis();
          attempted = attempt(token, "probe", "POST", "/api/orders", body, key);
          Thread.sleep(Math.max(0, everyMillis - (System.currentTimeMillis() - sent)));
        } while (going() && (attempted.answer().isEmpty() || attempted.retryAfter().isPresent()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      System.err.println("the probe stopped: " + e);
    }
  }

  /** One shopper's round as one customer: an order (cart or direct), then cancel it or pay it and maybe cancel. */
  private void round(String token) throws InterruptedException {
    var random = ThreadLocalRandom.current();
    List<String[]> lines = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      String sku = random.nextInt(10) == 0 ? EVENT_SKUS[random.nextInt(EVENT_SKUS.length)]
          : "SKU-%05d".formatted(1 + random.nextInt(SKUS));
      if (lines.stream().noneMatch(l -> l[0].equals(sku))) {
        lines.add(new String[] {sku, Integer.toString(sku.startsWith("EVENT") ? 1 : 1 + random.nextInt(3))});
      }
    }
    Optional<Answer> placed;
    String kind;
    if (random.nextInt(5) < 2) {
      kind = "checkout";
      for (String[] line : lines) {
        var put = send(token, "cart-put", "PUT", "/api/cart/items/" + line[0], "{\"quantity\":" + line[1] + "}",
            null);
        if (put.isEmpty() || put.get().status() != 200) {
          return;
        }
      }
      placed = send(token, kind, "POST", "/api/cart/checkout", null, UUID.randomUUID().toString());
    } else {
      kind = "order";
      var body = new StringBuilder("{\"lines\":[");
      for (int i = 0; i < lines.size(); i++) {
        body.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(lines.get(i)[0]).append("\",\"quantity\":")
            .append(lines.get(i)[1]).append('}');
      }
      placed = send(token, kind, "POST", "/api/orders", body.append("]}").toString(), UUID.randomUUID().toString());
    }
    if (placed.isEmpty() || placed.get().status() != 201 || placed.get().orderId() == null) {
      return;
    }
    String order = placed.get().orderId();
    if (random.nextInt(8) == 0) {
      send(token, "cancel-pending", "POST", "/api/orders/" + order + "/cancel", null, null);
      return;
    }
    var paid = pay(token, order);
    if (paid.isPresent() && paid.get().status() == 402) {
      paid = pay(token, order);   // declined: once more with a new key, as a shopper would
    }
    if (paid.isPresent() && paid.get().status() == 201 && random.nextInt(8) == 0) {
      send(token, "cancel-paid", "POST", "/api/orders/" + order + "/cancel", null, null);
    }
  }

  private Optional<Answer> pay(String token, String order) throws InterruptedException {
    return send(token, "pay", "POST", "/api/orders/" + order + "/payment", "{\"methodToken\":\"tok_visa\"}",
        UUID.randomUUID().toString());
  }

  /** The answer to a request, as the client finally got it. */
  record Answer(int status, String orderId) {
  }

  /**
   * Sends the request until it has an answer without Retry-After, or its attempts or time run out (empty); the same
   * Idempotency-Key every time. Records every attempt.
   */
  private Optional<Answer> send(String token, String kind, String method, String path, String body, String key)
      throws InterruptedException {
    long giveUpAt = System.currentTimeMillis() + REPEAT_BUDGET_MILLIS;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Attempted attempted = attempt(token, kind, method, path, body, key);
      if (attempted.answer().isPresent() && attempted.retryAfter().isEmpty()) {
        return attempted.answer();
      }
      long waitMillis = attempted.retryAfter().map(UpgradeDrillLoad::retryAfterMillis).orElse(200L);
      if (System.currentTimeMillis() + waitMillis > giveUpAt) {
        return Optional.empty();
      }
      Thread.sleep(waitMillis + ThreadLocalRandom.current().nextLong(100));
    }
    return Optional.empty();
  }

  /** One attempt's outcome: the answer (empty: none came) and its Retry-After. */
  record Attempted(Optional<Answer> answer, Optional<String> retryAfter) {
  }

  /** Sends the request once and records it. */
  private Attempted attempt(String token, String kind, String method, String path, String body, String key)
      throws InterruptedException {
    var request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    long sent = System.currentTimeMillis();
    double second = (sent - t0) / 1000.0;
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      Optional<String> retryAfter = response.headers().firstValue("Retry-After");
      String problemType = problemType(contentType, response.body());
      int status = response.statusCode();
      String orderId = status == 201 && PLACING.contains(kind) ? field(response.body(), "id") : null;
      rows.add(new DrillRequest(second, kind, status,
          DrillRequest.classify(status, problemType != null, retryAfter.isPresent()), orderId,
          problemType == null ? "" : problemType, System.currentTimeMillis() - sent));
      return new Attempted(Optional.of(new Answer(status, orderId)), retryAfter);
    } catch (HttpTimeoutException e) {
      rows.add(new DrillRequest(second, kind, 0, DrillRequest.NO_ANSWER, null, "timeout",
          System.currentTimeMillis() - sent));
    } catch (IOException e) {
      rows.add(new DrillRequest(second, kind, 0, DrillRequest.NO_ANSWER, null, describe(e),
          System.currentTimeMillis() - sent));
    }
    return new Attempted(Optional.empty(), Optional.empty());
  }

  /** The exception's class and message on one line (the CSV's detail), at most 120 characters. */
  static String describe(Exception e) {
    String text = (e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
        .replaceAll("[\\r\\n,]+", " ");
    return text.length() > 120 ? text.substring(0, 120) : text;
  }

  /** Retry-After in seconds (the service's form), at most 5 s; 1 s when it is not a number. */
  static long retryAfterMillis(String header) {
    try {
      return Math.min(5000, Math.max(0, Long.parseLong(header.trim()) * 1000));
    } catch (NumberFormatException e) {
      return 1000;
    }
  }

  /** The last path segment of a problem+json body's type, or null when the body is not a problem with a type. */
  static String problemType(String contentType, String body) {
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
      return null;
    }
    String type = field(body, "type");
    if (type == null || type.isBlank()) {
      return null;
    }
    return type.substring(type.lastIndexOf('/') + 1);
  }

  private static String field(String body, String name) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.hasNonNull(name) ? node.get(name).asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void write(Path csv) throws IOException {
    var sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingDouble(DrillRequest::second));
    try (var out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
      out.println(DrillRequest.CSV_HEADER);
      sorted.forEach(r -> out.println(r.csv()));
    }
  }
}
