package shop.orders.http;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract as served ({@code /q/openapi} on the management port) is the committed
 * {@code src/main/openapi/openapi.yaml}, so every change to it shows in review, Spectral lints what clients get
 * (SpectralTests) and the RestAssured tests validate against it (testing.ContractValidation).
 */
@QuarkusTest
class OpenApiDocumentTests {
  static final Path COMMITTED = Path.of("src/main/openapi/openapi.yaml");
  static final Path SERVED = Path.of("target/openapi/served.yaml");

  @Test
  void theServedDocumentIsTheCommittedOne() throws IOException {
    String served = Metrics.management().accept("application/yaml").get("/q/openapi?format=yaml")
        .then().statusCode(200).extract().asString();
    Files.createDirectories(SERVED.getParent());
    Files.writeString(SERVED, served);
    String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "";
    assertThat(served.strip().equals(committed.strip()))
        .as("The API contract changed: the served document differs from " + COMMITTED + ". Review the difference "
            + "(diff " + COMMITTED + " " + SERVED + "), then commit it: cp " + SERVED + " " + COMMITTED)
        .isTrue();
  }
}
