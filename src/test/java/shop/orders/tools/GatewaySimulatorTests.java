package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway simulator bin/run-local and bin/replay-incident start, on a free port with no latency: charges,
 * lookups, the charge list, refunds, the behaviour a drill sets, webhooks, and bodies that are not JSON objects.
 */
class GatewaySimulatorTests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir
  Path dir;
  private GatewaySimulator simulator;
  private String base;

  @AfterEach
  void stop() {
    if (simulator != null) {
      simulator.stop();
    }
  }

  private void start(Map<String, String> extra) throws IOException {
    var env = new HashMap<>(Map.of("PG_PORT", "0", "PG_LATENCY_MIN_MS", "0", "PG_LATENCY_MAX_MS", "0",
        "PG_TIMEOUT_RATE", "0", "PG_DECLINE_RATE", "0", "PG_WEBHOOK_URL", "",
        "PG_JOURNAL", dir.resolve("journal.log").toString()));
    env.putAll(extra);
    simulator = new GatewaySimulator(env);
    base = "http://127.0.0.1:" + simulator.start();
  }

  @Test
  void aChargeIsApprovedFoundListedAndJournalledOncePerKey() throws Exception {
    start(Map.of());
    var first = post("/v1/payments", "p-1", charge("p-1", "o-1", "12000"));
    assertThat(first.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(first.body());
    assertThat(answer.get("status").asText()).isEqualTo("APPROVED");
    String ref = answer.get("gateway_ref").asText();
    assertThat(ref).startsWith("sim-");

    var again = JSON.readTree(post("/v1/payments", "p-1", charge("p-1", "o-1", "12000")).body());
    assertThat(again.get("gateway_ref").asText()).as("the same key charges once").isEqualTo(ref);

    var lookup = get("/v1/payments/p-1");
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(lookup.body()).get("gateway_ref").asText()).isEqualTo(ref);
    assertThat(get("/v1/payments/nobody").statusCode()).isEqualTo(404);

    JsonNode list = JSON.readTree(get("/v1/payments").body());
    assertThat(list.get("has_more").asBoolean()).isFalse();
    assertThat(list.get("data")).hasSize(1);
    JsonNode listed = list.get("data").get(0);
    assertThat(listed.get("payment_id").asText()).isEqualTo("p-1");
    assertThat(listed.get("order_id").asText()).isEqualTo("o-1");
    assertThat(listed.get("amount").asLong()).isEqualTo(12000);
    assertThat(listed.get("currency").asText()).isEqualTo("KRW");
    assertThat(listed.get("status").asText()).isEqualTo("APPROVED");
    assertThat(Instant.parse(listed.get("created_at").asText())).isBeforeOrEqualTo(Instant.now());

    List<String> journal = Files.readAllLines(dir.resolve("journal.log"));
    assertThat(journal).hasSize(1);
    assertThat(journal.getFirst()).contains(" /v1/payments p-1 APPROVED {\"payment_id\":\"p-1\"");
  }

  @Test
  void aRepeatWhileTheFirstIsStillProcessedIs409AndAfterItTheSameCharge() throws Exception {
    start(Map.of("PG_LATE_RATE", "1", "PG_LATE_MS", "1500", "PG_LATE_WEBHOOK_LOSS", "1"));
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return post("/v1/payments", "p-late", charge("p-late", "o-1", "500"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // the first request is held by the gateway until the charge lands, 1.5 s after it arrived
    Thread.sleep(400);
    assertThat(first).as("the first request is still held").isNotDone();
    var repeat = post("/v1/payments", "p-late", charge("p-late", "o-1", "500"));
    assertThat(repeat.statusCode()).as("a repeat while the first is processed").isEqualTo(409);
    assertThat(JSON.readTree(repeat.body()).get("error").asText()).isEqualTo("idempotency_key_in_use");
    assertThat(get("/v1/payments/p-late").statusCode()).as("not recorded yet").isEqualTo(404);

    var landed = first.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(landed.statusCode()).isEqualTo(200);
    String ref = JSON.readTree(landed.body()).get("gateway_ref").asText();
    var after = post("/v1/payments", "p-late", charge("p-late", "o-1", "500"));
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(after.body()).get("gateway_ref").asText()).as("the same charge").isEqualTo(ref);
    assertThat(Files.readAllLines(dir.resolve("journal.log")).stream()
        .filter(line -> line.contains("/v1/payments p-late APPROVED"))).as("charged once").hasSize(1);
  }

  @Test
  void withoutAnIdempotencyKeyThePaymentIdInTheBodyIsTheKey() throws Exception {
    start(Map.of());
    post("/v1/payments", null, charge("p-body", "o-1", "100"));
    assertThat(get("/v1/payments/p-body").statusCode()).isEqualTo(200);
  }

  @Test
  void theListPagesInOrderAndRefusesBadQueries() throws Exception {
    start(Map.of());
    Instant before = Instant.now().minusSeconds(1);
    for (int i = 1; i <= 3; i++) {
      post("/v1/payments", "p-" + i, charge("p-" + i, "o-" + i, "100"));
    }
    JsonNode page = JSON.readTree(get("/v1/payments?created_after=" + before + "&limit=2").body());
    assertThat(page.get("data").findValuesAsText("payment_id")).containsExactly("p-1", "p-2");
    assertThat(page.get("has_more").asBoolean()).isTrue();
    JsonNode next = JSON.readTree(get("/v1/payments?created_after=" + before + "&limit=2&starting_after=p-2").body());
    assertThat(next.get("data").findValuesAsText("payment_id")).containsExactly("p-3");
    assertThat(next.get("has_more").asBoolean()).isFalse();

    assertThat(get("/v1/payments?limit=0").statusCode()).isEqualTo(400);
    assertThat(get("/v1/payments?limit=101").statusCode()).isEqualTo(400);
    assertThat(get("/v1/payments?created_after=yesterday").statusCode()).isEqualTo(400);
    var unknown = get("/v1/payments?starting_after=nobody");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("no such payment: nobody");
  }

  @Test
  void aRefundHappensOncePerKeyAndIsFound() throws Exception {
    start(Map.of());
    String body = "{\"refund_id\":\"r-1\",\"payment_id\":\"p-1\",\"amount\":100}";
    var refund = post("/v1/refunds", "r-1", body);
    assertThat(refund.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(refund.body()).get("status").asText()).isEqualTo("REFUNDED");
    post("/v1/refunds", "r-1", body);
    assertThat(JSON.readTree(get("/v1/refunds/r-1").body()).get("status").asText()).isEqualTo("REFUNDED");
    assertThat(get("/v1/refunds/r-2").statusCode()).isEqualTo(404);
    assertThat(Files.readAllLines(dir.resolve("journal.log"))).singleElement().asString()
        .contains(" /v1/refunds r-1 REFUNDED " + body);
  }

  @Test
  void aBodyThatIsNotAJsonObjectIs400AndChargesNothing() throws Exception {
    start(Map.of());
    for (String bad : List.of("{\"payment_id\":\"p-1\",", "not json", "[1,2]", "\"p-1\"", "")) {
      var answer = post("/v1/payments", "p-1", bad);
      assertThat(answer.statusCode()).as(bad).isEqualTo(400);
      assertThat(JSON.readTree(answer.body()).get("error").asText()).as(bad).isNotBlank();
      assertThat(post("/v1/refunds", "r-1", bad).statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(get("/v1/payments/p-1").statusCode()).isEqualTo(404);
    assertThat(get("/v1/refunds/r-1").statusCode()).isEqualTo(404);
    assertThat(dir.resolve("journal.log")).doesNotExist();
  }

  @Test
  void fieldsAreReadAsJsonNotAsText() throws Exception {
    start(Map.of());
    // a nested payment_id is not the key, an escaped quote stays in the order id, spacing and order do not matter
    post("/v1/payments", null, "{ \"metadata\" : {\"payment_id\":\"nested\"}, \"currency\" : \"KRW\",\n"
        + "  \"order_id\" : \"o-\\\"quoted\\\", too\", \"amount\" : \"2500\", \"payment_id\" : \"p-json\" }");
    assertThat(get("/v1/payments/nested").statusCode()).isEqualTo(404);
    JsonNode listed = JSON.readTree(get("/v1/payments").body()).get("data").get(0);
    assertThat(listed.get("payment_id").asText()).isEqualTo("p-json");
    assertThat(listed.get("order_id").asText()).isEqualTo("o-\"quoted\", too");
    assertThat(listed.get("amount").asLong()).isEqualTo(2500);

    post("/v1/payments", "p-odd", "{\"amount\":12.5,\"order_id\":null}");
    JsonNode odd = JSON.readTree(get("/v1/payments?starting_after=p-json").body()).get("data").get(0);
    assertThat(odd.get("amount").asLong()).isZero();
    assertThat(odd.get("order_id").isNull()).isTrue();
  }

  @Test
  void aLateChargeIsNeitherFoundNorListedUntilItLands() throws Exception {
    start(Map.of("PG_LATE_RATE", "1", "PG_LATE_MS", "1000", "PG_LATE_WEBHOOK_LOSS", "1"));
    var request = HttpRequest.newBuilder(URI.create(base + "/v1/payments")).header("Idempotency-Key", "p-late")
        .POST(HttpRequest.BodyPublishers.ofString(charge("p-late", "o-late", "100"))).build();
    var answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    assertThat(answer).isNotDone();
    assertThat(get("/v1/payments/p-late").statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(get("/v1/payments").body()).get("data")).isEmpty();

    assertThat(JSON.readTree(answer.get(10, TimeUnit.SECONDS).body()).get("status").asText()).isEqualTo("APPROVED");
    assertThat(get("/v1/payments/p-late").statusCode()).isEqualTo(200);
    assertThat(Files.readAllLines(dir.resolve("journal.log"))).hasSize(2).last().asString()
        .matches(".* late-charge p-late requested \\S+ webhook lost");
  }

  @Test
  void aDrillOverridesTheBehaviourUntilAnEmptyBody() throws Exception {
    start(Map.of());
    var set = send(HttpRequest.newBuilder(URI.create(base + "/sim/behaviour"))
        .PUT(HttpRequest.BodyPublishers.ofString("PG_FAILURE_RATE=1\nPG_DECLINE_RATE=0\n")).build());
    assertThat(JSON.readTree(set.body())).isEqualTo(JSON.readTree("{\"PG_DECLINE_RATE\":\"0\",\"PG_FAILURE_RATE\":\"1\"}"));
    var failed = post("/v1/payments", "p-1", charge("p-1", "o-1", "100"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(get("/v1/payments/p-1").statusCode()).as("nothing charged").isEqualTo(404);

    var refused = send(HttpRequest.newBuilder(URI.create(base + "/sim/behaviour"))
        .PUT(HttpRequest.BodyPublishers.ofString("FAILURE_RATE=1")).build());
    assertThat(refused.statusCode()).isEqualTo(400);

    send(HttpRequest.newBuilder(URI.create(base + "/sim/behaviour")).PUT(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(get("/sim/behaviour").body()).isEqualTo("{}");
    assertThat(post("/v1/payments", "p-1", charge("p-1", "o-1", "100")).statusCode()).isEqualTo(200);
  }

  @Test
  void aDeclinedChargeIsAnnouncedByASignedWebhook() throws Exception {
    var received = new CompletableFuture<Map.Entry<String, String>>();
    var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      try (exchange) {
        received.complete(Map.entry(exchange.getRequestHeaders().getFirst("PG-Signature"),
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    receiver.start();
    try {
      start(Map.of("PG_DECLINE_RATE", "1", "PG_WEBHOOK_SECRET", "s3cret",
          "PG_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"));
      var answer = JSON.readTree(post("/v1/payments", "p-9", charge("p-9", "o-9", "100")).body());
      assertThat(answer.get("status").asText()).isEqualTo("DECLINED");

      var hook = received.get(10, TimeUnit.SECONDS);
      JsonNode event = JSON.readTree(hook.getValue());
      assertThat(event.get("type").asText()).isEqualTo("payment.failed");
      assertThat(event.get("payment_id").asText()).isEqualTo("p-9");
      assertThat(event.get("gateway_ref").asText()).isEqualTo(answer.get("gateway_ref").asText());
      assertThat(event.get("id").asText()).startsWith("evt_");
      String t = hook.getKey().replaceFirst("^t=(\\d+),v1=.*$", "$1");
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertThat(hook.getKey()).isEqualTo("t=" + t + ",v1="
          + HexFormat.of().formatHex(mac.doFinal((t + "." + hook.getValue()).getBytes(StandardCharsets.UTF_8))));
    } finally {
      receiver.stop(0);
    }
  }

  private static String charge(String paymentId, String orderId, String amount) {
    return "{\"payment_id\":\"" + paymentId + "\",\"order_id\":\"" + orderId + "\",\"amount\":" + amount
        + ",\"currency\":\"KRW\",\"method_token\":\"tok_visa\"}";
  }

  private HttpResponse<String> post(String path, String key, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return send(request.build());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
