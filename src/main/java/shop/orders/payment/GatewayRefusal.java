package shop.orders.payment;

import java.time.Duration;
import java.util.Optional;

/**
 * The gateway answered a request with a 4xx that is not a decision. What that means for the money, per status:
 * <ul>
 *   <li>409: a request with this idempotency key is still being processed: the outcome is unknown, ask later;</li>
 *   <li>400, 422: the request itself is invalid (a bad method token, an amount the gateway refuses): nothing was
 *   charged and the same request would be refused again;</li>
 *   <li>429: the gateway refused to process it now: nothing was charged, retry later (its {@code Retry-After});</li>
 *   <li>any other (401, 403, 404...): the gateway did not accept the request from us (credentials, configuration):
 *   nothing was charged, and it is ours to fix, not the customer's.</li>
 * </ul>
 * None of these is a gateway failure: they do not open the breaker and are never retried.
 */
class GatewayRefusal extends RuntimeException {
  enum Meaning { IN_PROGRESS, INVALID, RATE_LIMITED, NOT_ACCEPTED }

  final int status;
  final transient Optional<Duration> retryAfter;

  GatewayRefusal(int status, Optional<Duration> retryAfter) {
    super("gateway answered " + status, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  Meaning meaning() {
    return switch (status) {
      case 409 -> Meaning.IN_PROGRESS;
      case 400, 422 -> Meaning.INVALID;
      case 429 -> Meaning.RATE_LIMITED;
      default -> Meaning.NOT_ACCEPTED;
    };
  }
}
