package shop.orders.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document. {@code type} is a stable URI a client can switch on; {@code detail} is for humans
 * and never carries exception text, SQL or stack traces.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@RegisterForReflection(targets = {Problem.class, Problem.FieldError.class})
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://problems.orders.shop/";

  /** One invalid input: where it is ({@code lines[0].quantity}, {@code Idempotency-Key}) and what is wrong. */
  public record FieldError(String field, String reason) {}

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
