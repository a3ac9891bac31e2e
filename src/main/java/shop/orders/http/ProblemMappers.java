package shop.orders.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import shop.orders.db.DatabaseBusy;
import shop.orders.db.StoredEnumConverter;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Turns every failure into problem+json with the right status; nothing internal leaks into a body. */
public class ProblemMappers {
  private final io.micrometer.core.instrument.MeterRegistry registry;

  ProblemMappers(io.micrometer.core.instrument.MeterRegistry registry) {
    this.registry = registry;
  }

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
  /** Resources name their request-body parameter {@code body}, so field paths start inside it. */
  public static final String BODY = "body";

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return e.toResponse();
  }

  @ServerExceptionMapper
  public Response tooLarge(BodySizeLimit.TooLarge e) {
    return e.problem().toResponse();
  }

  /** Declared for the subclass too: Quarkus REST ships its own, bodiless mapper for it. */
  @ServerExceptionMapper
  public Response mismatchedJson(MismatchedInputException e) {
    return malformedJson(e);
  }

  @ServerExceptionMapper
  public Response malformedJson(JsonProcessingException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof BodySizeLimit.TooLarge tooLarge) {
        return tooLarge(tooLarge);
      }
      if (cause instanceof StreamReadException) {
        return malformed();
      }
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = jsonPath(mapping.getPath());
      return ApiException.badRequest(field, "has the wrong type or format").toResponse();
    }
    return malformed();
  }

  private static Response malformed() {
    return Problem.of(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.").toResponse();
  }

  @ServerExceptionMapper
  public Response invalid(ConstraintViolationException e) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      errors.add(new Problem.FieldError(field(v.getPropertyPath()), v.getMessage()));
    }
    errors.sort(Comparator.comparing(Problem.FieldError::field));
    String detail = errors.stream().map(err -> err.field() + ": " + err.reason()).reduce((a, b) -> a + "; " + b)
        .orElse("invalid request");
    return Problem.of(400, "invalid-request", "Invalid request", detail).withErrors(errors).toResponse();
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthenticated(RuntimeException e) {
    return Problem.of(401, "unauthenticated", "Authentication required",
            "A valid bearer token is required (missing, malformed, wrongly signed or expired).")
        .toResponseBuilder().header("WWW-Authenticate", "Bearer").build();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return Problem.of(403, "forbidden", "Forbidden", "This operation needs the admin role.").toResponse();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof BodySizeLimit.TooLarge tooLarge) {
        return tooLarge(tooLarge);
      }
      if (cause instanceof JsonProcessingException json) {
        return malformedJson(json);
      }
    }
    int status = e.getResponse().getStatus();
    var reason = Response.Status.fromStatusCode(status);
    String title = reason != null ? reason.getReasonPhrase() : "HTTP " + status;
    String detail = switch (status) {
      case 404 -> "No such resource.";
      case 405 -> "This method is not allowed on this resource.";
      case 406 -> "This resource answers application/json only.";
      case 413 -> "The request body is too large.";
      case 415 -> "Send the body as application/json.";
      default -> title;
    };
    var builder = Problem.of(status, slug(title), title, detail).toResponseBuilder();
    var allow = e.getResponse().getHeaderString("Allow");
    if (allow != null) {
      builder.header("Allow", allow);
    }
    return builder.build();
  }

  /**
   * Declared so the answer is the problem+json 500 of {@link #unexpected}: Quarkus REST ships its own, bodiless
   * mapper for it. A definition error is ours (a type Jackson cannot build), never the client's.
   */
  @ServerExceptionMapper
  public Response invalidDefinition(InvalidDefinitionException e) {
    return unexpected(e);
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    if (clientWentAway(e)) {
      LOG.debugf("The client closed the connection before the response: %s", e);
      return Problem.of(499, "client-closed-request", "Client closed request", "The client went away.").toResponse();
    }
    var newer = StoredEnumConverter.NewerValue.find(e);
    if (newer != null) {
      LOG.warnf("Refused a request: the database holds %s, written by a newer release than this one", newer.describe());
      registry.counter("db.newer.values").increment();
      return newer.toResponse();
    }
    if (DatabaseBusy.isCause(e)) {
      LOG.warnf("Refused a request, the database is busy or unreachable: %s", DatabaseBusy.describe(e));
      registry.counter("db.busy.refusals", "reason", DatabaseBusy.reason(e)).increment();
      return DatabaseBusy.problem(e).toResponse();
    }
    var incident = UUID.randomUUID();
    LOG.errorf(e, "Unexpected failure, incident %s", incident);
    return Problem.of(500, "internal-error", "Internal error",
        "The request failed on our side; nothing was changed for this request. Incident " + incident + ".")
        .toResponse();
  }

  /** Nothing to answer and nobody to page: the client closed the connection while the request was read. */
  private static boolean clientWentAway(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.vertx.core.http.HttpClosedException) {
        return true;
      }
    }
    return false;
  }

  private static String slug(String title) {
    return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
  }

  private static String jsonPath(List<JsonMappingException.Reference> path) {
    var field = new StringBuilder();
    for (var ref : path) {
      if (ref.getFieldName() != null) {
        if (!field.isEmpty()) {
          field.append('.');
        }
        field.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
      }
    }
    return field.isEmpty() ? BODY : field.toString();
  }

  /**
   * {@code place.body.lines[0].quantity} to {@code lines[0].quantity}, {@code put.sku} to {@code sku}: the method
   * is ours, and request bodies are parameters named {@code body}.
   */
  private static String field(Path path) {
    var field = new StringBuilder();
    for (Path.Node node : path) {
      if (node.getKind() == jakarta.validation.ElementKind.METHOD
          || (node.getKind() == jakarta.validation.ElementKind.PARAMETER && BODY.equals(node.getName()))) {
        continue;
      }
      if (node.isInIterable() && node.getIndex() != null) {
        field.append('[').append(node.getIndex()).append(']');
      }
      if (node.getName() == null || node.getName().startsWith("<")) {
        continue;
      }
      if (!field.isEmpty()) {
        field.append('.');
      }
      field.append(node.getName());
    }
    return field.isEmpty() ? BODY : field.toString();
  }
}
