package shop.orders.problem;

import jakarta.ws.rs.core.Response;

import java.time.Duration;

/**
 * A failure the client should see as it is: each capability throws a subclass carrying its problem document.
 * Unchecked, so a {@code @Transactional} method that throws it rolls back.
 */
public class ApiException extends RuntimeException {
  private final transient Problem problem;
  private final Duration retryAfter;

  public ApiException(Problem problem) {
    this(problem, null);
  }

  public ApiException(Problem problem, Duration retryAfter) {
    super(problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  public Problem problem() {
    return problem;
  }

  public Response toResponse() {
    var builder = problem.toResponseBuilder();
    if (retryAfter != null) {
      builder.header("Retry-After", retryAfterSeconds());
    }
    return builder.build();
  }

  /** The Retry-After header's value: whole seconds, rounded up, at least 1 (0: the refusal names no wait). */
  public long retryAfterSeconds() {
    return retryAfter == null ? 0 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  public static ApiException badRequest(String field, String reason) {
    return new ApiException(Problem.of(400, "invalid-request", "Invalid request", field + ": " + reason)
        .withErrors(java.util.List.of(new Problem.FieldError(field, reason))));
  }

  public static ApiException notFound(String what) {
    return new ApiException(Problem.of(404, "not-found", "Not found", what + " does not exist"));
  }
}
