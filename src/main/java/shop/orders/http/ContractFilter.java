package shop.orders.http;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.eclipse.microprofile.openapi.models.tags.Tag;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every operation of the API shares, written once instead of on each resource method: the {@code X-Request-Id}
 * header on every request and response (and the CORS {@code Access-Control-Allow-Origin} on every response), the
 * {@code Idempotency-Key} header where an operation reads it, 401 on every
 * secured operation, 400/413/415 on every operation with a body, the cursor and limit of every paged list (and
 * its 400), 406 (an Accept the operation cannot answer), 500 and 503 (+ {@code Retry-After}) everywhere, and
 * problem+json as the body of every error. Resources declare only what is their own (success bodies, their
 * specific statuses and problem types). Registered with {@code mp.openapi.filter}; it runs at build time, so the
 * document in {@code target/openapi/} is the one served.
 */
public class ContractFilter implements OASFilter {
  static final String BEARER = "bearerJwt";
  static final String WEBHOOK = "webhookSignature";
  private static final String CORS_ORIGIN = "Access-Control-Allow-Origin";
  private static final String RATE_LIMIT = "RateLimit";
  private static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
  private static final String PROBLEM_REF = "#/components/schemas/Problem";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    var components = openAPI.getComponents() != null ? openAPI.getComponents() : OASFactory.createComponents();
    openAPI.setComponents(components);
    components.addHeader(RequestIds.HEADER, OASFactory.createHeader()
        .description("The request's id, on every response: the caller's own when it sent a well-formed one "
            + "(8 to 64 of A-Za-z0-9._:-), a new UUID otherwise. Quote it when reporting a problem.")
        .required(true)
        .schema(string(8, 64, "^[A-Za-z0-9._:-]{8,64}$")));
    components.addHeader("Retry-After", OASFactory.createHeader()
        .description("Whole seconds to wait before retrying with the same Idempotency-Key; add a random part of a "
            + "second so refused buyers do not all come back in the same instant.")
        .required(true)
        .schema(seconds()));
    components.addHeader(RATE_LIMIT_POLICY, OASFactory.createHeader()
        .description("The rate limits this request was counted against (IETF draft-ietf-httpapi-ratelimit-headers): "
            + "one member per bucket, q requests per w seconds, bursts included. \"api\" counts every call per customer "
            + "(per address without a token) on each instance; \"orders\" and \"payments\" count per customer across "
            + "instances; \"webhooks\" the gateway's calls. Absent on answers given before the operation was known "
            + "(413 by Content-Length) and where rate limits are off.")
        .schema(string(1, 256, list("q", "w"))).example("\"api\";q=1200;w=60, \"orders\";q=20;w=60"));
    components.addHeader(RATE_LIMIT, OASFactory.createHeader()
        .description("Each bucket's state after this request: r requests still allowed at once, t seconds until the "
            + "allowance is whole again. r=0 means the next request in that bucket is refused (429) until "
            + "Retry-After.")
        .schema(string(1, 256, list("r", "t"))).example("\"api\";r=1199;t=1, \"orders\";r=19;t=3"));
    components.addHeader("Location", OASFactory.createHeader()
        .description("Where the created resource (or the outcome of the request) can be read.")
        .required(true)
        .schema(string(1, 2048, null).format("uri-reference")));
    components.addHeader(IdempotencyKeys.REPLAYED_HEADER, OASFactory.createHeader()
        .description("true when this is the stored response of an earlier request with the same Idempotency-Key, "
            + "sent again byte for byte; absent on the first response.")
        .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).addEnumeration("true")));
    components.addHeader(CORS_ORIGIN, OASFactory.createHeader()
        .description("The request's Origin, when it is one of the storefront origins allowed to call the API from a "
            + "browser (quarkus.http.cors.origins); absent otherwise.")
        .schema(string(1, 2048, null).format("uri")));
    components.addParameter("IdempotencyKey", OASFactory.createParameter()
        .name(IdempotencyKeys.HEADER).in(Parameter.In.HEADER).required(true)
        .description("A fresh unique value (a UUID) per purchase intent, 1 to 255 visible ASCII characters. Keys are "
            + "scoped per customer and kept at least 24 h: the same key with the same body answers the first "
            + "response again (Idempotent-Replayed: true); with another body 422 idempotency-key-reused; while the "
            + "first request still runs 409 idempotency-key-in-flight. A refused request (4xx other than those) "
            + "stored nothing, so its key may be retried.")
        .schema(string(1, 255, "^[!-~]{1,255}$")));
    components.addParameter("RequestId", OASFactory.createParameter()
        .name(RequestIds.HEADER).in(Parameter.In.HEADER).required(false)
        .description("The caller's id for this request, echoed in X-Request-Id and on every log line: 8 to 64 of "
            + "A-Za-z0-9._:- (anything else is replaced by a new id, never refused).")
        .schema(string(8, 64, "^[A-Za-z0-9._:-]{8,64}$")));
    components.addSecurityScheme(WEBHOOK, OASFactory.createSecurityScheme()
        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("PG-Signature")
        .description("The payment gateway's HMAC-SHA256 signature of the exact body with a shared secret, and its "
            + "timestamp; a missing, stale or wrong signature is 401 bad-signature and changes nothing."));

    var problem = components.getSchemas() == null ? null : components.getSchemas().get("Problem");
    if (problem != null && problem.getProperties() != null && problem.getProperties().get("skus") != null) {
      problem.getProperties().get("skus").items(string(1, 64, "^[A-Za-z0-9._-]{1,64}$"));   // catalog.Sku
    }

    openAPI.setTags(new ArrayList<>(List.of(
        tag("catalog", "Products, prices and stock; reads are public, changes need the admin role."),
        tag("cart", "The caller's own cart, kept in Redis (503 cart-unavailable when Redis cannot be used)."),
        tag("orders", "Orders: one short transaction each, idempotent, stock reserved atomically."),
        tag("payments", "Paying an order through the payment gateway, and the gateway's webhook."))));

    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) ->
        complete(op, method == org.eclipse.microprofile.openapi.models.PathItem.HttpMethod.POST
            || method == org.eclipse.microprofile.openapi.models.PathItem.HttpMethod.PUT)));
  }

  private static void complete(Operation op, boolean mayHaveBody) {
    boolean idempotent = false;
    boolean paged = false;
    List<Parameter> parameters = new ArrayList<>();
    if (op.getParameters() != null) {
      for (Parameter p : op.getParameters()) {
        if (IdempotencyKeys.HEADER.equals(p.getName()) && p.getIn() == Parameter.In.HEADER) {
          idempotent = true;
          parameters.add(OASFactory.createParameter().ref("IdempotencyKey"));
          continue;
        }
        if (p.getIn() == Parameter.In.PATH && "sku".equals(p.getName()) && p.getSchema() != null) {
          p.getSchema().maxLength(64).pattern("^" + p.getSchema().getPattern() + "$");   // @Pattern's, anchored
        } else if (p.getIn() == Parameter.In.QUERY && "cursor".equals(p.getName())) {
          paged = true;
          p.description("An opaque nextCursor from an earlier page").schema(string(0, Cursor.MAX_LENGTH,
              "^[A-Za-z0-9_-]{0," + Cursor.MAX_LENGTH + "}$").minLength(null));
        } else if (p.getIn() == Parameter.In.QUERY && "limit".equals(p.getName())) {
          p.description("Page size, 1 to " + Cursor.MAX_LIMIT + " (default " + Cursor.DEFAULT_LIMIT + ")")
              .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
                  .minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(Cursor.MAX_LIMIT))
                  .defaultValue(Cursor.DEFAULT_LIMIT));
        }
        parameters.add(p);
      }
    }
    parameters.add(OASFactory.createParameter().ref("RequestId"));
    op.setParameters(parameters);

    if (op.getOperationId() != null && op.getOperationId().equals("receivePaymentWebhook")) {
      op.setSecurity(new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(WEBHOOK))));
    }
    boolean secured = op.getSecurity() != null && !op.getSecurity().isEmpty();
    APIResponses responses = op.getResponses();
    if (op.getRequestBody() != null || mayHaveBody && idempotent) {
      absent(responses, "400", "Invalid request: invalid-request (errors[] names each field, header or parameter "
          + "and what is wrong) or malformed-json.");
    }
    if (op.getRequestBody() != null) {
      absent(responses, "408", "body-timeout: the body did not arrive within 5 s of the headers; nothing was done "
          + "and the connection is closed. Send it again (with the same Idempotency-Key).");
      absent(responses, "413", "body-too-large: the body is over 64 KiB.");
      absent(responses, "415", "unsupported-media-type: send the body as application/json.");
    }
    if (secured && !isWebhook(op)) {
      responses.addAPIResponse("401", OASFactory.createAPIResponse().description("unauthenticated: no bearer "
          + "token, or one that is malformed, wrongly signed, from another issuer or audience, expired or issued "
          + "for more than an hour (WWW-Authenticate: Bearer)."));
    }
    // Quarkus adds 403 to every secured operation; only the admin ones (which declare it) can answer it
    if (responses.hasAPIResponse("403")
        && !String.valueOf(responses.getAPIResponse("403").getDescription()).startsWith("forbidden")) {
      responses.removeAPIResponse("403");
    }
    if (paged) {
      absent(responses, "400", "invalid-request: limit is not a whole number between 1 and " + Cursor.MAX_LIMIT
          + ", or cursor is not one this API returned.");
    }
    absent(responses, "406", "not-acceptable: the Accept header names no media type this operation answers "
        + "(application/json; application/problem+json for errors).");
    absent(responses, "429", "rate-limited: over the caller's \"api\" limit (every call counts); nothing was done. "
        + "Retry after Retry-After; RateLimit names the bucket. Or too-many-at-once: the customer already has 4 "
        + "requests in progress that need the database; nothing was done, retry after Retry-After.");
    absent(responses, "500", "internal-error: the request failed on our side and nothing was changed; the detail "
        + "names an incident id.");
    absent(responses, "503", "Retry after Retry-After: overloaded (the service is at capacity), database-busy or "
        + "database-unavailable. Nothing was done, unless a database-unavailable's detail says the connection was "
        + "lost during the commit: then the change may have been made, and the retry answers what was done.");

    Map<String, APIResponse> sorted = new TreeMap<>(responses.getAPIResponses());
    for (var entry : sorted.entrySet()) {
      String code = entry.getKey();
      APIResponse response = entry.getValue();
      if (response.getRef() != null) {
        continue;
      }
      int status = Integer.parseInt(code);
      if (status >= 400) {
        response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF))));
      }
      if (status == 429 || status == 503) {
        response.addHeader("Retry-After", OASFactory.createHeader().ref("Retry-After"));
      } else if (status == 409 && idempotent) {
        response.addHeader("Retry-After", OASFactory.createHeader()
            .description("1 with idempotency-key-in-flight: the first request with this key is still running.")
            .schema(seconds()));
      }
      if (idempotent && (status < 300 || status == 402 || status == 409)) {
        response.addHeader(IdempotencyKeys.REPLAYED_HEADER,
            OASFactory.createHeader().ref(IdempotencyKeys.REPLAYED_HEADER));
      }
      if (status < 300 || status >= 400 && status < 500) {
        response.addHeader(RATE_LIMIT_POLICY, OASFactory.createHeader().ref(RATE_LIMIT_POLICY));
        response.addHeader(RATE_LIMIT, OASFactory.createHeader().ref(RATE_LIMIT));
      }
      response.addHeader(RequestIds.HEADER, OASFactory.createHeader().ref(RequestIds.HEADER));
      response.addHeader(CORS_ORIGIN, OASFactory.createHeader().ref(CORS_ORIGIN));
      if (status == 401 && !isWebhook(op)) {
        response.addHeader("WWW-Authenticate", OASFactory.createHeader().description("Bearer")
            .required(true).schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                .addEnumeration("Bearer")));
      }
    }
    responses.setAPIResponses(new java.util.LinkedHashMap<>(sorted));
  }

  private static boolean isWebhook(Operation op) {
    return "receivePaymentWebhook".equals(op.getOperationId());
  }

  private static void absent(APIResponses responses, String code, String description) {
    if (!responses.hasAPIResponse(code)) {
      responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
    }
  }

  /** A list of buckets, each with two integer parameters: {@code "api";q=1200;w=60, "orders";q=20;w=60}. */
  private static String list(String first, String second) {
    String member = "\"[a-z]{1,16}\";" + first + "=[0-9]{1,10};" + second + "=[0-9]{1,10}";
    return "^" + member + "(, " + member + "){0,3}$";
  }

  /** Retry-After's value: whole seconds, 1 to a day. */
  private static Schema seconds() {
    return OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
        .minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(86_400));
  }

  private static Tag tag(String name, String description) {
    return OASFactory.createTag().name(name).description(description);
  }

  private static Schema string(int min, int max, String pattern) {
    var schema = OASFactory.createSchema().addType(Schema.SchemaType.STRING).minLength(min).maxLength(max);
    return pattern == null ? schema : schema.pattern(pattern);
  }
}
