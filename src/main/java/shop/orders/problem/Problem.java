package shop.orders.problem;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document. {@code type} is a stable URI a client can switch on; {@code detail} is for humans
 * and never carries exception text, SQL or stack traces.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "An RFC 9457 problem. Switch on type; detail is for humans. Some types carry "
    + "more members, listed below with the types that carry them.",
    requiredProperties = {"type", "title", "status"},
    properties = {
        @SchemaProperty(name = "skus", type = SchemaType.ARRAY, maxItems = 50,
            description = "out-of-stock, unknown-sku, sku-busy: the SKUs concerned",
            implementation = String.class),
        @SchemaProperty(name = "shortages", type = SchemaType.ARRAY, maxItems = 50, implementation = Problem.Shortage.class,
            description = "out-of-stock: each of skus with the units still available of it (fewer than the order "
                + "asked for; 0: sold out), so a client can say \"only 1 left\""),
        @SchemaProperty(name = "sku", type = SchemaType.STRING, maxLength = 64, pattern = "^[A-Za-z0-9._-]{1,64}$",
            description = "purchase-limit: the product whose limit the order would pass"),
        @SchemaProperty(name = "limit", type = SchemaType.INTEGER, format = "int32", minimum = "1",
            maximum = "1000000", description = "purchase-limit: units one customer may hold"),
        @SchemaProperty(name = "held", type = SchemaType.INTEGER, format = "int32", minimum = "0",
            maximum = "1000000000", description = "purchase-limit: units the customer already holds"),
        @SchemaProperty(name = "available", type = SchemaType.INTEGER, format = "int32", minimum = "0",
            maximum = "1000000000", description = "stock-would-go-negative: the units in stock now"),
        @SchemaProperty(name = "bucket", type = SchemaType.STRING, enumeration = {"api", "orders", "payments", "webhooks"},
            description = "rate-limited: which limit was reached (RateLimit-Policy names each)"),
        @SchemaProperty(name = "windowSeconds", type = SchemaType.INTEGER, format = "int64", minimum = "1",
            maximum = "86400", description = "rate-limited: the limit's window"),
        @SchemaProperty(name = "expiresAt", type = SchemaType.STRING, format = "date-time", maxLength = 40,
            description = "payment-window-closed: when the order's payment window closed"),
        @SchemaProperty(name = "orderStatus", ref = "OrderStatus",
            description = "order-state-conflict: the order's status"),
        @SchemaProperty(name = "paymentId", type = SchemaType.STRING, format = "uuid", maxLength = 36,
            description = "payment problems: the payment attempt concerned"),
        @SchemaProperty(name = "paymentStatus", ref = "PaymentStatus",
            description = "payment problems: the payment's status")})
@RegisterForReflection(targets = {Problem.class, Problem.FieldError.class, Problem.Shortage.class})
public record Problem(
    @Schema(format = "uri", maxLength = 200, pattern = "^https://problems\\.orders\\.shop/[a-z0-9-]{1,64}$",
        description = "https://problems.orders.shop/ and the problem's slug (out-of-stock, invalid-request, ...)")
    String type,
    @Schema(maxLength = 200, pattern = "^[^\\u0000-\\u001f]{1,200}$") String title,
    @Schema(format = "int32", minimum = "400", maximum = "599") int status,
    @Schema(maxLength = 2000, pattern = "^[^\\u0000-\\u0008]{0,2000}$") String detail,
    @Schema(maxItems = 200, description = "invalid-request: each invalid field, header or parameter")
    List<FieldError> errors,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** out-of-stock: a SKU the order asked more of than is left, and how many units are left of it. */
  @Schema(name = "Shortage", requiredProperties = {"sku", "available"})
  public record Shortage(@Schema(maxLength = 64, pattern = "^[A-Za-z0-9._-]{1,64}$") String sku,
                         @Schema(format = "int32", minimum = "0", maximum = "1000000000") int available) {}

  private static final String TYPE_BASE = "https://problems.orders.shop/";

  /** One invalid input: where it is ({@code lines[0].quantity}, {@code Idempotency-Key}) and what is wrong. */
  @Schema(name = "FieldError", requiredProperties = {"field", "reason"})
  public record FieldError(
      @Schema(maxLength = 200, pattern = "^[!-~]{1,200}$", description = "lines[0].quantity, Idempotency-Key, ...")
      String field,
      @Schema(maxLength = 500, pattern = "^[^\\u0000-\\u001f]{1,500}$") String reason) {}

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_BASE + slug, title, status, detail, List.of(), Map.of());
  }

  public Problem withErrors(List<FieldError> fieldErrors) {
    return new Problem(type, title, status, detail, List.copyOf(fieldErrors), extensions);
  }

  public Problem with(String name, Object value) {
    var more = new LinkedHashMap<>(extensions);
    more.put(name, value);
    return new Problem(type, title, status, detail, errors, more);
  }

  @JsonAnyGetter
  Map<String, Object> extensionMembers() {
    return extensions;
  }

  public Response.ResponseBuilder toResponseBuilder() {
    return Response.status(status).type(MEDIA_TYPE).entity(this);
  }

  public Response toResponse() {
    return toResponseBuilder().build();
  }
}
