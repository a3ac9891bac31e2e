package shop.orders.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import shop.orders.http.RequestIds;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * The JSON log as production writes it: every line about an order carries the order id and the id of the request
 * that caused it (echoed in X-Request-Id), and no line carries the customer's id or token.
 */
@QuarkusTest
@TestProfile(StructuredLogTests.JsonFileLog.class)
class StructuredLogTests {
  private static final Path LOG = Path.of("target/structured-log-tests/order-service.log");
  private static final String PREFIX = Api.prefix(StructuredLogTests.class);

  public static class JsonFileLog implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString(),
          "quarkus.log.file.json.enabled", "true");
    }
  }

  @Test
  void linesAboutAnOrderCarryItsIdAndTheRequestIdAndNoPersonalData() throws Exception {
    String sku = PREFIX + "LOG";
    Api.putProduct(sku, 1_000, 10);
    String customer = Api.newCustomer();
    String token = LocalTokens.customer(customer);

    String id = given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", UUID.randomUUID())
        .header(RequestIds.HEADER, "req-place-0001").body(Api.lines(sku, 2))
        .when().post("/api/orders").then().statusCode(201).header(RequestIds.HEADER, "req-place-0001")
        .extract().path("id");
    given().auth().oauth2(token).header(RequestIds.HEADER, "req-cancel-0001")
        .when().post("/api/orders/{id}/cancel", id).then().statusCode(200);
    // An id that could forge log text is replaced by one of the service's own.
    given().auth().oauth2(token).header(RequestIds.HEADER, "x\" injected").when().get("/api/orders/{id}", id).then()
        .statusCode(200).header(RequestIds.HEADER, matchesPattern("[0-9a-f-]{36}"));

    List<JsonNode> aboutTheOrder = awaitLinesAbout(id, 2);
    assertThat(aboutTheOrder).allSatisfy(line -> assertThat(line.at("/mdc/requestId").asText()).isNotBlank());
    assertThat(aboutTheOrder).anySatisfy(line -> {
      assertThat(line.get("message").asText()).startsWith("Order placed");
      assertThat(line.at("/mdc/requestId").asText()).isEqualTo("req-place-0001");
    });
    assertThat(aboutTheOrder).anySatisfy(line -> {
      assertThat(line.get("message").asText()).startsWith("Order cancelled");
      assertThat(line.at("/mdc/requestId").asText()).isEqualTo("req-cancel-0001");
    });
    String everything = Files.readString(LOG);
    assertThat(everything).doesNotContain(customer).doesNotContain(token).doesNotContain("injected");
  }

  private static List<JsonNode> awaitLinesAbout(String orderId, int atLeast) throws IOException, InterruptedException {
    var json = new ObjectMapper();
    List<JsonNode> found = new ArrayList<>();
    for (int i = 0; i < 50 && found.size() < atLeast; i++) {
      Thread.sleep(100);
      found.clear();
      for (String line : Files.exists(LOG) ? Files.readAllLines(LOG) : List.<String>of()) {
        JsonNode node = json.readTree(line);
        if (orderId.equals(node.at("/mdc/orderId").asText())) {
          found.add(node);
        }
      }
    }
    assertThat(found).as("log lines about order " + orderId).hasSizeGreaterThanOrEqualTo(atLeast);
    return found;
  }
}
