package shop.orders.admission;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The review's stalled bodies: an order request whose headers arrive and whose body never does. It used to hold its
 * place at the door for as long as the socket stayed open, and one account's idle connections filled the door. Now
 * the body has api.body-timeout to arrive (then 408 and the place is back), and one customer holds at most
 * admission.max-per-customer places at once (then 429), while other customers are served.
 */
@QuarkusTest
@TestProfile(StalledBodyTests.Bounds.class)
class StalledBodyTests {
  private static final int BODY_SECONDS = 3;

  public static class Bounds implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("api.body-timeout", "PT" + BODY_SECONDS + "S", "admission.max-per-customer", "2");
    }
  }

  @Test
  void aStalledBodyGivesItsPlaceBackAndOneCustomerCannotFillTheDoor() throws Exception {
    String sku = Api.prefix(StalledBodyTests.class) + "DOOR";
    Api.putProduct(sku, 1_000, 10);
    String stalling = LocalTokens.customer(Api.newCustomer());
    double timeoutsBefore = Metrics.sum("http_body_timeouts_total");

    long start = System.nanoTime();
    try (Socket first = stall(stalling); Socket second = stall(stalling)) {
      awaitInFlight(2);

      var third = Api.post("/api/orders", stalling, UUID.randomUUID().toString(), Api.lines(sku, 1));
      assertThat(third.status()).as("a third request of the customer holding two places").isEqualTo(429);
      assertThat(third.body()).contains("\"type\":\"https://problems.orders.shop/too-many-at-once\"");
      assertThat(third.retryAfter()).isEqualTo("1");

      var other = Api.post("/api/orders", LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(),
          Api.lines(sku, 1));
      assertThat(other.status()).as("another customer meanwhile").isEqualTo(201);

      for (Socket stalled : new Socket[] {first, second}) {
        String answer = readToEnd(stalled);   // ends: the connection is closed after the answer
        assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json")
            .contains("\"type\":\"https://problems.orders.shop/body-timeout\"");
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    assertThat(waited).as("answered at the deadline, not when the client gave up")
        .isBetween(BODY_SECONDS - 0.5, BODY_SECONDS + 20.0);
    awaitInFlight(0);
    assertThat(Metrics.sum("http_body_timeouts_total") - timeoutsBefore).isEqualTo(2.0);

    var again = Api.post("/api/orders", stalling, UUID.randomUUID().toString(), Api.lines(sku, 1));
    assertThat(again.status()).as("the customer's places are back").isEqualTo(201);
  }

  @Test
  void aBodyThatArrivesSlowlyButInTimeIsServed() throws Exception {
    String sku = Api.prefix(StalledBodyTests.class) + "SLOW";
    Api.putProduct(sku, 1_000, 10);
    String token = LocalTokens.customer(Api.newCustomer());
    byte[] body = Api.lines(sku, 1).getBytes(StandardCharsets.UTF_8);
    try (Socket socket = open()) {
      var out = socket.getOutputStream();
      out.write(headers(token, body.length));
      int half = body.length / 2;
      out.write(body, 0, half);
      out.flush();
      Thread.sleep(1_000);
      out.write(body, half, body.length - half);
      out.flush();
      String answer = readHead(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 201");
    }
  }

  @Test
  void theDoorAsksForNoTokenWhereTheCatalogNeedsNone() {
    // the door learns the customer from the token; a broken one on the public catalog is read as no token
    for (String path : new String[] {"/api/products", "/api/products/", "/api/products/NO-SUCH-SKU/"}) {
      int status = io.restassured.RestAssured.given().header("Authorization", "Bearer not-a-jwt").get(path)
          .then().extract().statusCode();
      assertThat(status).as(path).isNotEqualTo(401).isLessThan(500);
    }
  }

  private static Socket stall(String token) throws IOException {
    Socket socket = open();
    socket.getOutputStream().write(headers(token, 500));
    socket.getOutputStream().write("{\"lines\":[".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  private static Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", RestAssured.port);
    socket.setSoTimeout(30_000);
    return socket;
  }

  private static byte[] headers(String token, int contentLength) {
    return ("POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + UUID.randomUUID()
        + "\r\nContent-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static String readToEnd(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The status line and headers, and what of the body came with them (the connection stays open). */
  private static String readHead(InputStream in) throws IOException {
    var read = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!read.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      read.write(buffer, 0, n);
    }
    return read.toString(StandardCharsets.UTF_8);
  }

  private static void awaitInFlight(double expected) throws InterruptedException {
    double now = -1;
    for (int i = 0; i < 200; i++) {
      now = Metrics.sum("admission_in_flight");
      if (now == expected) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(now).as("admission_in_flight").isEqualTo(expected);
  }
}
