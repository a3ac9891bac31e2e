package shop.orders.payment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A payment gateway simulator for the local run (bin/run-local starts it on 127.0.0.1:8089), run as a source-file
 * program. It speaks the contract of {@code PaymentGatewayApi}: charges and refunds are idempotent per key, kept in
 * memory and appended to a journal, and each settled charge is announced with a signed webhook. Behaviour from the
 * environment:
 * <pre>
 *   PG_PORT=8089  PG_LATENCY_MIN_MS=200  PG_LATENCY_MAX_MS=400
 *   PG_FAILURE_RATE=0.0   share of calls answered 500 (nothing charged)
 *   PG_TIMEOUT_RATE=0.01  share of charges that are made but answered only after PG_TIMEOUT_MS (5000)
 *   PG_DECLINE_RATE=0.02  share of charges declined
 *   PG_WEBHOOK_URL=http://127.0.0.1:8080/api/payments/webhook  (empty: no webhooks)
 *   PG_WEBHOOK_SECRET=local-webhook-secret   PG_JOURNAL=target/gateway-journal.log
 * </pre>
 * A fault drill changes the behaviour while it runs: {@code PUT /sim/behaviour} with lines {@code NAME=value} (the
 * same names) overrides them, an empty body goes back to the environment's; {@code GET /sim/behaviour} shows the
 * overrides.
 */
public final class GatewaySimulator {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"?([^\",}]*)\"?");

  private final Map<String, String> charges = new ConcurrentHashMap<>();
  private final Map<String, String> refunds = new ConcurrentHashMap<>();
  private final HttpClient webhooks = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> env = System.getenv();
  private final Map<String, String> overrides = new ConcurrentHashMap<>();
  private final Path journal = Path.of(env.getOrDefault("PG_JOURNAL", "target/gateway-journal.log"));

  public static void main(String[] args) throws IOException {
    new GatewaySimulator().start();
  }

  private void start() throws IOException {
    int port = Integer.parseInt(env.getOrDefault("PG_PORT", "8089"));
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/payments", this::payments);
    server.createContext("/v1/refunds", this::refunds);
    server.createContext("/sim/behaviour", this::behaviour);
    server.start();
    Files.createDirectories(journal.toAbsolutePath().getParent());
    System.out.println("payment gateway simulator on 127.0.0.1:" + port + ", journal " + journal);
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
            reply(exchange, 400, "{\"error\":\"expected PG_NAME=value lines\"}");
            return;
          }
        }
        overrides.clear();
        overrides.putAll(changed);
        record("behaviour " + changed);
      }
      reply(exchange, 200, "{" + overrides.entrySet().stream()
          .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"").sorted()
          .reduce((a, b) -> a + "," + b).orElse("") + "}");
    }
  }

  private void payments(HttpExchange exchange) throws IOException {
    handle(exchange, charges, "payment_id", "APPROVED", "DECLINED", number("PG_DECLINE_RATE", 0.02));
  }

  private void refunds(HttpExchange exchange) throws IOException {
    handle(exchange, refunds, "refund_id", "REFUNDED", "REJECTED", 0);
  }

  private void handle(HttpExchange exchange, Map<String, String> store, String idField, String yes, String no,
                      double noRate) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod())) {
        String status = store.get(path.substring(path.lastIndexOf('/') + 1));
        reply(exchange, status == null ? 404 : 200, status == null ? "{}" : result(status));
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      if (id == null) {
        id = field(body, idField);
      }
      sleep(ThreadLocalRandom.current().nextLong(number("PG_LATENCY_MIN_MS", 200),
          number("PG_LATENCY_MAX_MS", 400) + 1));
      var random = ThreadLocalRandom.current();
      if (random.nextDouble() < number("PG_FAILURE_RATE", 0)) {
        reply(exchange, 500, "{\"error\":\"simulated failure\"}");
        return;
      }
      boolean fresh = !store.containsKey(id);
      String status = store.computeIfAbsent(id, k -> random.nextDouble() < noRate ? no : yes);
      if (fresh) {
        record(path + " " + id + " " + status + " " + body);
        if (store == charges) {
          webhook(id, status);
        }
      }
      if (random.nextDouble() < number("PG_TIMEOUT_RATE", 0.01)) {
        sleep(number("PG_TIMEOUT_MS", 5000));
      }
      reply(exchange, 200, result(status));
    }
  }

  private void webhook(String paymentId, String status) {
    String url = env.getOrDefault("PG_WEBHOOK_URL", "http://127.0.0.1:8080/api/payments/webhook");
    if (url.isBlank()) {
      return;
    }
    Thread.ofVirtual().start(() -> {
      sleep(500);
      String type = "APPROVED".equals(status) ? "payment.succeeded" : "payment.failed";
      String body = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"payment_id\":\""
          + paymentId + "\",\"gateway_ref\":\"sim-" + paymentId.substring(0, 8) + "\"}";
      long t = Instant.now().getEpochSecond();
      try {
        webhooks.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("PG-Signature", "t=" + t + ",v1=" + sign(t + "." + body))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException | InterruptedException e) {
        record("webhook for " + paymentId + " not delivered: " + e);
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

  private static String result(String status) {
    return "{\"status\":\"" + status + "\",\"gateway_ref\":\"sim-" + UUID.randomUUID().toString().substring(0, 8)
        + "\"}";
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private synchronized void record(String line) {
    try (var out = new PrintWriter(Files.newBufferedWriter(journal, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND))) {
      out.println(Instant.now() + " " + line);
    } catch (IOException e) {
      System.err.println("journal: " + e);
    }
  }

  private static String field(String body, String name) {
    Matcher m = FIELD.matcher(body);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2);
      }
    }
    return UUID.randomUUID().toString();
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
