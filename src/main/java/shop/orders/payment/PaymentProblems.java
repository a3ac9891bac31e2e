package shop.orders.payment;

import shop.orders.common.ApiException;
import shop.orders.common.Problem;

import java.time.Duration;

/** Problems of the payment path. */
final class PaymentProblems {
  private PaymentProblems() {
  }

  static Problem declined(Payment payment) {
    return Problem.of(402, "payment-declined", "Payment declined",
            "The payment was not charged. The order can be paid again with another method and a new Idempotency-Key.")
        .with("paymentId", payment.id).with("paymentStatus", payment.status);
  }

  static ApiException gatewayUnavailable(Duration retryAfter) {
    return new ApiException(Problem.of(503, "payment-gateway-unavailable", "Payment gateway unavailable",
        "Payments cannot be taken right now; nothing was charged. Retry shortly with the same Idempotency-Key."),
        retryAfter);
  }
}
