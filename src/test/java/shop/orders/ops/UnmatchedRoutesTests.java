package shop.orders.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw paths of requests that matched no route collapse into one {@code uri}; templates, the API's routes and
 * management paths keep theirs. The list of routes without parameters is the contract's.
 */
class UnmatchedRoutesTests {
  private final UnmatchedRoutes filter = new UnmatchedRoutes();

  private String uriOf(String uri) {
    Meter.Id id = new Meter.Id("http.server.requests", Tags.of("uri", uri, "status", "405", "method", "PATCH"), null,
        null, Meter.Type.TIMER);
    Meter.Id mapped = filter.map(id);
    assertThat(mapped.getTag("status")).isEqualTo("405");
    return mapped.getTag("uri");
  }

  @Test
  void rawPathsOfUnmatchedRequestsCollapseIntoOne() {
    assertThat(uriOf("/api/products/junk-abc")).isEqualTo("UNMATCHED");
    assertThat(uriOf("/api/orders/zzz-123")).isEqualTo("UNMATCHED");
    assertThat(uriOf("/anything/at/all")).isEqualTo("UNMATCHED");
  }

  @Test
  void templatesRoutesAndMicrometersOwnValuesStay() {
    assertThat(uriOf("/api/products/{sku}")).isEqualTo("/api/products/{sku}");
    assertThat(uriOf("/api/orders")).isEqualTo("/api/orders");
    assertThat(uriOf("/q/health/ready")).isEqualTo("/q/health/ready");
    assertThat(uriOf("NOT_FOUND")).isEqualTo("NOT_FOUND");
    Meter.Id other = new Meter.Id("jvm.memory.used", Tags.of("uri", "/x"), null, null, Meter.Type.GAUGE);
    assertThat(filter.map(other)).isSameAs(other);
  }

  @Test
  void theRoutesWithoutParametersAreTheContracts() throws IOException {
    Set<String> literal = Files.readAllLines(Path.of("src/main/openapi/openapi.yaml")).stream()
        .filter(line -> line.matches("^  /[^ ]*:$")).map(line -> line.strip().replaceAll(":$", ""))
        .filter(path -> !path.contains("{")).collect(Collectors.toSet());
    assertThat(literal).isNotEmpty();
    assertThat(UnmatchedRoutes.LITERAL_ROUTES).isEqualTo(literal);
  }
}
