package shop.orders.testing.fuzz;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

/**
 * The request generator of the contract fuzz (http.ContractFuzzIT) without a service: for every operation of the
 * committed contract it makes requests without failing, and those it calls valid (no mutation) are valid by the
 * contract's validator, so the fuzz's valid requests really are, and its mutations are what make the others invalid.
 */
class RequestsTests {
  private static final Path DOCUMENT = Path.of("src/main/openapi/openapi.yaml");

  @Test
  void everyOperationGetsRequestsAndTheValidOnesAreValid() throws Exception {
    String yaml = Files.readString(DOCUMENT);
    var contract = new Contract(new ObjectMapper(new YAMLFactory()).readTree(yaml).toString());
    var validator = OpenApiInteractionValidator.createForInlineApiSpecification(yaml).build();
    var fixture = new Requests.Fixture(List.of("FUZZ-STOCK", "FUZZ-EVENT"),
        Map.of("A", List.of(UUID.randomUUID().toString()), "B", List.of(UUID.randomUUID().toString())),
        List.of(UUID.randomUUID().toString()), Map.of("/api/orders", List.of("MjAyNi0wMS0wMVQwMDowMDowMFo")));
    var requests = new Requests(contract, fixture, new Tokens());
    assertThat(contract.operations()).hasSizeGreaterThan(10);
    List<String> invalid = new ArrayList<>();
    int[] valid = {0};
    int[] mutatedInvalid = {0};
    for (var op : contract.operations()) {
      qt().withFixedSeed(1).withExamples(400).forAll(requests.of(op)).checkAssert(request -> {
        assertThat(request.operationId()).isEqualTo(op.id());
        if (request.reshaped()) {
          return;   // another method or path: the validator would read another request
        }
        var messages = validator.validateRequest(asValidated(request)).getMessages().stream()
            .filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
        if (request.valid()) {
          valid[0]++;
          if (!messages.isEmpty()) {
            invalid.add(request + "\n  " + messages);
          }
        } else if (!messages.isEmpty()) {
          mutatedInvalid[0]++;
        }
      });
    }
    assertThat(valid[0]).as("valid requests made").isGreaterThan(1_000);
    assertThat(mutatedInvalid[0]).as("mutated requests the contract calls invalid").isGreaterThan(1_000);
    assertThat(invalid).as("requests without mutations that the contract calls invalid").isEmpty();
  }

  private static String decoded(String value) {
    try {
      return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return value;
    }
  }

  /** The request as the validator reads it, its placeholders filled in as the sender would. */
  private static Request asValidated(FuzzRequest request) {
    String target = request.target().replaceAll(FuzzRequest.NEW_ORDER + "[AB]", UUID.randomUUID().toString());
    int q = target.indexOf('?');
    var out = new SimpleRequest.Builder(Request.Method.valueOf(request.method()), q < 0 ? target
        : target.substring(0, q));
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        out.withQueryParam(kv[0], decoded(kv.length > 1 ? kv[1] : ""));
      }
    }
    for (var header : request.headers()) {
      String value = header.getValue();
      if (value.startsWith(FuzzRequest.ETAG_OF)) {
        value = "\"0123456789abcdef01234567\"";
      } else if (value.startsWith(FuzzRequest.SIGNATURE)) {
        value = "t=1,v1=00";
      }
      out.withHeader(header.getKey(), new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }
    if (request.body() != null) {
      out.withBody(new String(request.body(), StandardCharsets.UTF_8));
    }
    return out.build();
  }
}
