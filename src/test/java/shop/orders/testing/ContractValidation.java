package shop.orders.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every request a test makes to the API ({@code /api/...}) and its response are checked against the committed
 * contract (src/main/openapi/openapi.yaml): an undocumented status, header or field, or a body that breaks its
 * schema, fails the test. Installed as a global RestAssured filter by this JUnit extension (autodetected, see
 * junit-platform.properties), and used by {@link Api#post} for its java.net.http requests.
 * <p>
 * Exempt, on purpose:
 * <ul>
 *   <li>paths outside {@code /api/}: the management interface (health, metrics, the document itself) and test
 *   doubles such as the gateway's WireMock are not part of this contract;</li>
 *   <li>what is wrong with a request the service refused with a 4xx: the bad-input, auth and limit tests send
 *   invalid requests on purpose to see them refused, and the contract's promise for those is the refusal, which is
 *   still checked (the 4xx response must be documented, problem+json, with its headers). A request the contract
 *   calls invalid that the service accepted (2xx, 3xx or 5xx) fails;</li>
 *   <li>CORS preflights and refusals of a foreign origin (CorsTests): answered by the HTTP layer from
 *   {@code quarkus.http.cors.*}, not by an operation;</li>
 *   <li>a malformed {@code X-Request-Id} sent by RequestIdsTests and StructuredLogTests: the service replaces such ids, never refuses
 *   them.</li>
 * </ul>
 */
public final class ContractValidation implements OrderedFilter, BeforeAllCallback {
  static final Path DOCUMENT = Path.of("src/main/openapi/openapi.yaml");
  private static volatile OpenApiInteractionValidator validator;

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
  }

  /** Adds the filter to RestAssured once (its filters are global and survive between test classes). */
  public static synchronized void install() {
    if (RestAssured.filters().stream().noneMatch(f -> f instanceof ContractValidation)) {
      RestAssured.filters(new ContractValidation());
    }
  }

  @Override
  public int getOrder() {
    return Integer.MAX_VALUE;   // last: sees the request as sent, headers added by other filters included
  }

  @Override
  public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                         FilterContext context) {
    if (request.getAuthenticationScheme() instanceof io.restassured.authentication.PreemptiveOAuth2HeaderScheme oauth2
        && !request.getHeaders().hasHeaderWithName("Authorization")) {
      // RestAssured adds auth().oauth2(token) only after the filters: send it as the header it is, so it is seen
      request.auth().none();
      request.header("Authorization", "Bearer " + oauth2.getAccessToken());
    }
    Response response = context.next(request, responseSpec);
    String path = URI.create(request.getURI()).getRawPath();
    if (path != null && path.startsWith("/api/") && !corsLayer(request, response)) {
      check(RestAssuredRequest.of(request), RestAssuredResponse.of(response), response.statusCode());
    }
    return response;
  }

  /** A CORS preflight, or a request from an origin CORS refuses (403): the HTTP layer's answers, not the API's. */
  private static boolean corsLayer(FilterableRequestSpecification request, Response response) {
    boolean preflight = "OPTIONS".equals(request.getMethod())
        && request.getHeaders().hasHeaderWithName("Access-Control-Request-Method");
    boolean refusedOrigin = request.getHeaders().hasHeaderWithName("Origin") && response.statusCode() == 403;
    return preflight || refusedOrigin;
  }

  /** The same check for a request sent without RestAssured ({@link Api#post}). */
  public static void checkPost(String path, Map<String, String> headers, String body, int status,
                               Map<String, List<String>> responseHeaders, String responseBody) {
    var request = new SimpleRequest.Builder(Request.Method.POST, path).withBody(body);
    headers.forEach(request::withHeader);
    var response = new SimpleResponse.Builder(status).withBody(responseBody);
    responseHeaders.forEach((name, values) -> response.withHeader(name, values));
    check(request.build(), response.build(), status);
  }

  private static void check(Request request, com.atlassian.oai.validator.model.Response response, int status) {
    List<String> errors = breaches(validator(), request, response, status);
    if (!errors.isEmpty()) {
      throw new AssertionError("The exchange breaks the contract (" + DOCUMENT + "): " + request.getMethod() + " "
          + request.getPath() + " -> " + status + "\n" + String.join("\n", errors));
    }
  }

  /**
   * What {@code validator}'s contract finds wrong with an exchange, one line each, with the exemptions above: what
   * is wrong with a request the service refused with a 4xx, and a malformed X-Request-Id. Also used by the
   * generative test over the served document (http.ContractFuzzIT).
   */
  public static List<String> breaches(OpenApiInteractionValidator validator, Request request,
                                      com.atlassian.oai.validator.model.Response response, int status) {
    ValidationReport report = validator.validate(request, response);
    boolean refused = status >= 400 && status < 500;
    return report.getMessages().stream()
        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
        .filter(m -> !(refused && m.getKey().startsWith("validation.request")))
        // the service never refuses a malformed X-Request-Id, it replaces it (RequestIdsTests sends such ones)
        .filter(m -> !(m.getKey().startsWith("validation.request.parameter") && m.getContext()
            .flatMap(ValidationReport.MessageContext::getParameter)
            .filter(p -> "X-Request-Id".equalsIgnoreCase(p.getName())).isPresent()))
        .map(m -> "  - " + m.getKey() + ": " + m.getMessage() + m.getContext().map(c -> " " + c).orElse(""))
        .toList();
  }

  private static OpenApiInteractionValidator validator() {
    if (validator == null) {
      synchronized (ContractValidation.class) {
        if (validator == null) {
          validator = OpenApiInteractionValidator.createForSpecificationUrl(DOCUMENT.toUri().toString()).build();
        }
      }
    }
    return validator;
  }
}
