package shop.orders.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;

/** The HTTP calls tests share: they drive the service only through its API, so the packaged-jar tests can too. */
public final class Api {
  public static final String ADMIN = LocalTokens.admin("test-operator");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Api() {
  }

  /** A SKU prefix unique to one test class and run, so classes never share stock. */
  public static String prefix(Class<?> testClass) {
    return testClass.getSimpleName().replaceAll("[^A-Za-z]", "").toUpperCase() + "-"
        + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  public static String newCustomer() {
    return "cust-" + UUID.randomUUID();
  }

  /**
   * Creates a product, or replaces it as an admin tool would: with If-Match from the answer that refused it (428
   * without one, 412 when it changed meanwhile); tests set their fixtures this way, not during concurrent orders.
   */
  public static void putProduct(String sku, long priceMinor, int available) {
    String etag = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      var request = given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
          .body(Map.of("name", "Product " + sku, "price", Map.of("amountMinor", priceMinor, "currency", "KRW"),
              "available", available));
      if (etag != null) {
        request.header("If-Match", etag);
      }
      var response = request.when().put("/api/products/{sku}", sku).then().extract();
      if (response.statusCode() == 200 || response.statusCode() == 201) {
        return;
      }
      org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.asString()).isIn(412, 428);
      etag = response.header("ETag");
    }
    throw new AssertionError("PUT /api/products/" + sku + " kept failing its precondition");
  }

  /** Stock as PostgreSQL holds it (the API shows it through the catalog cache, a few seconds stale at most). */
  public static int available(String sku) {
    try {
      return (int) TestDatabase.count("select available from product where sku = ?", sku);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String lines(Object... skuQuantityPairs) {
    var parts = new StringBuilder();
    for (int i = 0; i < skuQuantityPairs.length; i += 2) {
      if (!parts.isEmpty()) {
        parts.append(',');
      }
      parts.append("{\"sku\":\"").append(skuQuantityPairs[i]).append("\",\"quantity\":")
          .append(skuQuantityPairs[i + 1]).append('}');
    }
    return "{\"lines\":[" + parts + "]}";
  }

  public static ValidatableResponse placeOrder(String token, String idempotencyKey, String body) {
    var request = given().auth().oauth2(token).contentType(ContentType.JSON).body(body);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return request.when().post("/api/orders").then();
  }

  /** Places an order that must succeed and returns its id. */
  public static String placedOrderId(String token, String body) {
    return placeOrder(token, UUID.randomUUID().toString(), body).statusCode(201).extract().path("id");
  }

  /** A status and body seen by a client that sent its request at the same moment as others. */
  public record Reply(int status, String body, String retryAfter) {}

  /** Sends a raw POST with java.net.http, which is safe to share between threads. */
  public static Reply post(String path, String token, String idempotencyKey, String body) {
    var request = HttpRequest.newBuilder(URI.create(baseUri() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    var response = send(request);
    ContractValidation.checkPost(path, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json",
        "Idempotency-Key", idempotencyKey), body, response.statusCode(), response.headers().map(), response.body());
    return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
  }

  /** A raw POST without a body or Idempotency-Key (a cancel), with java.net.http like {@link #post}. */
  public static Reply postWithoutBody(String path, String token) {
    var response = send(HttpRequest.newBuilder(URI.create(baseUri() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build());
    return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@link #concurrently} started in the background, for a test that acts while the burst is under way. */
  public static <T> java.util.concurrent.CompletableFuture<List<T>> burst(List<Callable<T>> calls) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return concurrently(calls);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Runs the calls at once (released together by a latch) and returns their results in order; bounded to 60 s. */
  public static <T> List<T> concurrently(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      var start = new CountDownLatch(1);
      List<Future<T>> futures = calls.stream().map(call -> pool.submit(() -> {
        start.await();
        return call.call();
      })).collect(Collectors.toList());
      start.countDown();
      var results = new java.util.ArrayList<T>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String baseUri() {
    return RestAssured.baseURI + ":" + RestAssured.port;
  }
}
