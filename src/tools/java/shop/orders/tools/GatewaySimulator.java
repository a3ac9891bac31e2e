package shop.orders.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
/**
 * A payment gateway simulator for the local run (bin/run-local starts it on 127.0.0.1:8089), run on the tools'
 * class path (bin/lib.sh prepare_tools). It speaks the contract of {@code PaymentGatewayApi}: charges and refunds are idempotent per key, kept in
 * memory and appended to a journal, and each settled charge is announced with a signed webhook. Behaviour from the
 * environment:
 * <pre>
 *   PG_PORT=8089  PG_LATENCY_MIN_MS=200  PG_LATENCY_MAX_MS=400
 *   PG_FAILURE_RATE=0.0   share of calls answered 500 (nothing charged)
 *   PG_TIMEOUT_RATE=0.01  share of charges that are made but answered only after PG_TIMEOUT_MS (5000)
 *   PG_DECLINE_RATE=0.02  share of charges declined
 *   PG_LATE_RATE=0.0      share of charges the gateway records only late: the call is held PG_LATE_MS (20000), long
 *                         after any client gave up, and answered APPROVED then; until then the charge is neither
 *                         found (GET answers 404) nor listed, and nothing is journalled
 *   PG_LATE_WEBHOOK_LOSS=0.5  share of those late charges whose webhook is never sent
 *   PG_WEBHOOK_URL=http://127.0.0.1:8080/api/payments/webhook  (empty: no webhooks)
 *   PG_WEBHOOK_SECRET=local-webhook-secret   PG_JOURNAL=target/gateway-journal.log
 * </pre>
 * The journal has a line per charge, {@code <instant> /v1/payments <payment_id> APPROVED|DECLINED <request body>},
 * and per refund, {@code <instant> /v1/refunds <refund_id> REFUNDED <request body>}, written when the gateway records
 * it. A late charge's line is written when it lands, followed by {@code <instant> late-charge <payment_id> requested
 * <instant> webhook sent|lost}.
 *
 * <p>Besides the lookups {@code GET /v1/payments/{payment_id}} and {@code GET /v1/refunds/{refund_id}}, the gateway
 * lists the charges it recorded: {@code GET /v1/payments?created_after=<ISO-8601 instant>&limit=<1..100, 100>
 * &starting_after=<payment_id>} answers {@code {"data":[{"payment_id", "order_id", "status", "gateway_ref", "amount",
 * "currency", "created_at"}], "has_more"}}, the charges recorded after {@code created_after} ordered by
 * {@code (created_at, payment_id)}, continuing after {@code starting_after}. {@code created_at} is when the gateway
 * recorded the charge, so a late charge appears there only once it has landed.
 *
 * <p>Charges are idempotent per key as payment providers' are: a repeat of a finished charge is answered that
 * charge (nothing charged again); a repeat while the first request with that key is still being processed (a late
 * charge not landed yet) is answered {@code 409 {"error":"idempotency_key_in_use"}}, journalled as
 * {@code /v1/payments <payment_id> 409 in progress}, and its caller asks again later.
 *
 * <p>A fault drill changes the behaviour while it runs: {@code PUT /sim/behaviour} with lines {@code NAME=value} (the
 * same names) overrides them, an empty body goes back to the environment's; {@code GET /sim/behaviour} shows the
 * overrides. A late charge keeps the delay and webhook it was given when it was requested.
 *
 * <p>Request and answer bodies are JSON, read and written with Jackson. A charge or refund whose body is not a JSON
 * object is answered 400 {@code {"error"}}, and nothing is charged, refunded or journalled. The ids, order id and
 * currency are read as text, the amount as a whole number (0 when it is missing or not one); only top-level fields
 * count.
 */
public final class GatewaySimulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGE = 100;

  /** A charge as the gateway recorded it; {@code createdAt} is when it did. */
  private record Charge(String paymentId, String orderId, long amount, String currency, String status,
                        String gatewayRef, Instant createdAt) {
    Position position() {
      return new Position(createdAt, paymentId);
    }

    ObjectNode json() {
      return JSON.createObjectNode().put("payment_id", paymentId).put("order_id", orderId).put("status", status)
          .put("gateway_ref", gatewayRef).put("amount", amount).put("currency", currency)
          .put("created_at", createdAt.toString());
    }
  }

  /** The list's order: by the instant a charge was recorded, then by its id. */
  private record Position(Instant createdAt, String paymentId) implements Comparable<Position> {
    @Override
    public int compareTo(Position other) {
      int byTime = createdAt.compareTo(other.createdAt);
      return byTime != 0 ? byTime : paymentId.compareTo(other.paymentId);
    }
  }

  /** Every charge asked for, by key; the future completes when the gateway records it (at once, or late). */
  private final Map<String, CompletableFuture<Charge>> charges = new ConcurrentHashMap<>();
  /** Recorded charges in the list's order. */
  private final NavigableMap<Position, Charge> recorded = new ConcurrentSkipListMap<>();
  private final Map<String, String> refunds = new ConcurrentHashMap<>();
  private final HttpClient webhooks = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> env;
  private final Map<String, String> overrides = new ConcurrentHashMap<>();
  private final Path journal;
  private HttpServer server;

  /** A simulator with the behaviour {@code env} (PG_* names, as the process environment gives them) sets. */
  public GatewaySimulator(Map<String, String> env) {
    this.env = Map.copyOf(env);
    this.journal = Path.of(this.env.getOrDefault("PG_JOURNAL", "target/gateway-journal.log"));
  }

  public static void main(String[] args) throws IOException {
    new GatewaySimulator(System.getenv()).start();
  }

  /** Listens on 127.0.0.1:PG_PORT (0: any free port) and returns the port. */
  public int start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1",
        Integer.parseInt(env.getOrDefault("PG_PORT", "8089"))), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/payments", this::payments);
    server.createContext("/v1/refunds", this::refunds);
    server.createContext("/sim/behaviour", this::behaviour);
    server.start();
    Files.createDirectories(journal.toAbsolutePath().getParent());
    int port = server.getAddress().getPort();
    System.out.println("payment gateway simulator on 127.0.0.1:" + port + ", journal " + journal);
    return port;
  }

  /** How many payment keys it has been asked to charge so far (recorded or still being processed). */
  public int chargesRequested() {
    return charges.size();
  }

  public void stop() {
    server.stop(0);
  }

  private void behaviour(HttpExchange exchange) throws IOException {
    try (exchange) {
      if ("PUT".equals(exchange.getRequestMethod())) {
        var changed = new ConcurrentHashMap<String, String>();
        for (String line : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          int eq = line.indexOf('=');
          if (eq > 0 && line.startsWith("PG_")) {
            changed.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
          } else if (!line.isBlank()) {
            reply(exchange, 400, error("expected PG_NAME=value lines"));
            return;
          }
        }
        overrides.clear();
        overrides.putAll(changed);
        record("behaviour " + changed);
      }
      var shown = JSON.createObjectNode();
      overrides.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> shown.put(e.getKey(), e.getValue()));
      reply(exchange, 200, shown);
    }
  }

  private void payments(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod())) {
        if (path.equals("/v1/payments") || path.equals("/v1/payments/")) {
          list(exchange);
        } else {
          var asked = charges.get(path.substring(path.lastIndexOf('/') + 1));
          Charge charge = asked == null ? null : asked.getNow(null);
          reply(exchange, charge == null ? 404 : 200, charge == null ? JSON.createObjectNode()
              : result(charge.status(), charge.gatewayRef()));
        }
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonNode fields = object(exchange, body);
      if (fields == null) {
        return;
      }
      String id = key(exchange, fields, "payment_id");
      latency();
      var random = ThreadLocalRandom.current();
      if (random.nextDouble() < number("PG_FAILURE_RATE", 0.0)) {
        reply(exchange, 500, error("simulated failure"));
        return;
      }
      var fresh = new CompletableFuture<Charge>();
      var charge = charges.putIfAbsent(id, fresh);
      if (charge != null && !charge.isDone()) {
        // as payment providers do: a request with a key whose first request is still being processed is refused,
        // not queued (the first one's caller gets the answer); ask again later
        record("/v1/payments " + id + " 409 in progress");
        reply(exchange, 409, error("idempotency_key_in_use"));
        return;
      }
      if (charge == null) {
        charge = fresh;
        if (random.nextDouble() < number("PG_LATE_RATE", 0.0)) {
          chargeLate(id, body, fields, fresh, number("PG_LATE_MS", 20000L),
              random.nextDouble() < number("PG_LATE_WEBHOOK_LOSS", 0.5));
        } else {
          webhook(recordCharge(id, body, fields, random.nextDouble() < number("PG_DECLINE_RATE", 0.02) ? "DECLINED"
              : "APPROVED", fresh, null));
        }
      }
      boolean held = !charge.isDone();
      Charge made = charge.join();   // a late charge is answered to its first caller only once it has landed
      if (!held && random.nextDouble() < number("PG_TIMEOUT_RATE", 0.01)) {
        sleep(number("PG_TIMEOUT_MS", 5000));
      }
      reply(exchange, 200, result(made.status(), made.gatewayRef()));
    }
  }

  /** Records the charge {@code delayMillis} from now, and only then tells anyone about it. */
  private void chargeLate(String id, String body, JsonNode fields, CompletableFuture<Charge> charge,
                          long delayMillis, boolean webhookLost) {
    Instant requested = Instant.now();
    Thread.ofVirtual().start(() -> {
      sleep(delayMillis);
      Charge landed = recordCharge(id, body, fields, "APPROVED", charge,
          "late-charge " + id + " requested " + requested + " webhook " + (webhookLost ? "lost" : "sent"));
      if (!webhookLost) {
        webhook(landed);
      }
    });
  }

  /** The charge as of now: journalled, found by a lookup, listed, and its callers answered. */
  private synchronized Charge recordCharge(String id, String body, JsonNode fields, String status,
                                           CompletableFuture<Charge> future, String note) {
    Instant now = Instant.now();
    var charge = new Charge(id, text(fields, "order_id"), amount(fields), text(fields, "currency"), status,
        "sim-" + UUID.randomUUID().toString().substring(0, 8), now);
    record(now, "/v1/payments " + id + " " + status + " " + body);
    if (note != null) {
      record(now, note);
    }
    recorded.put(charge.position(), charge);
    future.complete(charge);
    return charge;
  }

  /** {@code GET /v1/payments?created_after=&limit=&starting_after=}: the recorded charges in order, a page at a time. */
  private void list(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    Instant after;
    int limit;
    try {
      after = Instant.parse(query.getOrDefault("created_after", Instant.EPOCH.toString()));
      limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(MAX_PAGE)));
    } catch (DateTimeParseException | NumberFormatException e) {
      reply(exchange, 400, error("bad created_after or limit: " + e.getMessage()));
      return;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      reply(exchange, 400, error("limit must be 1 to " + MAX_PAGE));
      return;
    }
    var from = new Position(after.plusNanos(1), "");
    boolean inclusive = true;
    String startingAfter = query.get("starting_after");
    if (startingAfter != null) {
      var cursor = charges.get(startingAfter);
      Charge last = cursor == null ? null : cursor.getNow(null);
      if (last == null) {
        reply(exchange, 400, error("no such payment: " + startingAfter));
        return;
      }
      if (last.position().compareTo(from) >= 0) {
        from = last.position();
        inclusive = false;
      }
    }
    var answer = JSON.createObjectNode();
    var page = answer.putArray("data");
    boolean more = false;
    for (Charge charge : recorded.tailMap(from, inclusive).values()) {
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(charge.json());
    }
    reply(exchange, 200, answer.put("has_more", more));
  }

  private void refunds(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod())) {
        String status = refunds.get(path.substring(path.lastIndexOf('/') + 1));
        reply(exchange, status == null ? 404 : 200, status == null ? JSON.createObjectNode() : result(status));
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonNode fields = object(exchange, body);
      if (fields == null) {
        return;
      }
      String id = key(exchange, fields, "refund_id");
      latency();
      var random = ThreadLocalRandom.current();
      if (random.nextDouble() < number("PG_FAILURE_RATE", 0.0)) {
        reply(exchange, 500, error("simulated failure"));
        return;
      }
      // any payment id is refunded, a late charge's too; the refund id alone makes a refund happen once
      boolean fresh = !refunds.containsKey(id);
      String status = refunds.computeIfAbsent(id, k -> "REFUNDED");
      if (fresh) {
        record(path + " " + id + " " + status + " " + body);
      }
      if (random.nextDouble() < number("PG_TIMEOUT_RATE", 0.01)) {
        sleep(number("PG_TIMEOUT_MS", 5000));
      }
      reply(exchange, 200, result(status));
    }
  }

  private void webhook(Charge charge) {
    String url = env.getOrDefault("PG_WEBHOOK_URL", "http://127.0.0.1:8080/api/payments/webhook");
    if (url.isBlank()) {
      return;
    }
    Thread.ofVirtual().start(() -> {
      sleep(500);
      String type = "APPROVED".equals(charge.status()) ? "payment.succeeded" : "payment.failed";
      String body = JSON.createObjectNode().put("id", "evt_" + UUID.randomUUID()).put("type", type)
          .put("payment_id", charge.paymentId()).put("gateway_ref", charge.gatewayRef()).toString();
      long t = Instant.now().getEpochSecond();
      try {
        webhooks.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("PG-Signature", "t=" + t + ",v1=" + sign(t + "." + body))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException | InterruptedException e) {
        record("webhook for " + charge.paymentId() + " not delivered: " + e);
      }
    });
  }

  private String sign(String payload) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(env.getOrDefault("PG_WEBHOOK_SECRET", "local-webhook-secret")
          .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode result(String status) {
    return result(status, "sim-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private static ObjectNode result(String status, String gatewayRef) {
    return JSON.createObjectNode().put("status", status).put("gateway_ref", gatewayRef);
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  /** The request body as a JSON object; else answers 400 and returns null. */
  private static JsonNode object(HttpExchange exchange, String body) throws IOException {
    String problem;
    try {
      JsonNode parsed = JSON.readTree(body);
      if (parsed != null && parsed.isObject()) {
        return parsed;
      }
      problem = "expected a JSON object";
    } catch (JsonProcessingException e) {
      problem = "malformed JSON: " + e.getOriginalMessage();
    }
    reply(exchange, 400, error(problem));
    return null;
  }

  /** A top-level field as text (a number as its digits), or null when it is missing, JSON null, an object or array. */
  private static String text(JsonNode fields, String name) {
    JsonNode value = fields.get(name);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }

  /** The whole number in the field amount (a JSON number, or text holding one), else 0. */
  private static long amount(JsonNode fields) {
    JsonNode amount = fields.path("amount");
    if (amount.isIntegralNumber() && amount.canConvertToLong()) {
      return amount.asLong();
    }
    try {
      return amount.isTextual() ? Long.parseLong(amount.asText().trim()) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void record(String line) {
    record(Instant.now(), line);
  }

  private synchronized void record(Instant at, String line) {
    try (var out = new PrintWriter(Files.newBufferedWriter(journal, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND))) {
      out.println(at + " " + line);
    } catch (IOException e) {
      System.err.println("journal: " + e);
    }
  }

  /** The idempotency key: the header, else the id in the body, else a fresh one. */
  private static String key(HttpExchange exchange, JsonNode fields, String idField) {
    String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (id != null) {
      return id;
    }
    String inBody = text(fields, idField);
    return inBody != null ? inBody : UUID.randomUUID().toString();
  }

  private static Map<String, String> query(String raw) {
    var query = new HashMap<String, String>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          // a literal '+' stays a '+' (an instant's offset), as servers of such APIs read it
          query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return query;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private void latency() {
    sleep(ThreadLocalRandom.current().nextLong(number("PG_LATENCY_MIN_MS", 200),
        number("PG_LATENCY_MAX_MS", 400) + 1));
  }

  private double number(String name, double fallback) {
    return Double.parseDouble(setting(name, String.valueOf(fallback)));
  }

  private long number(String name, long fallback) {
    return Long.parseLong(setting(name, String.valueOf(fallback)));
  }

  private String setting(String name, String fallback) {
    return overrides.getOrDefault(name, env.getOrDefault(name, fallback));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
