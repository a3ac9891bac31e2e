package shop.orders.payment;

import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Duration;
import java.util.List;

/** Problems of the payment path. */
final class PaymentProblems {
  private PaymentProblems() {
  }

  /** DECLINED: the gateway said no; FAILED: the gateway never took the request. Nothing was charged either way. */
  static Problem declined(Payment payment) {
    boolean declined = payment.status == PaymentStatus.DECLINED;
    return Problem.of(402, declined ? "payment-declined" : "payment-failed",
            declined ? "Payment declined" : "Payment failed",
            (declined ? "The payment gateway declined the payment; nothing was charged."
                : "The payment did not reach the payment gateway in time; nothing was charged.")
                + " The order can be paid again with a new Idempotency-Key.")
        .with("paymentId", payment.id).with("paymentStatus", payment.status);
  }

  static Problem reversed(Payment payment) {
    return Problem.of(409, "payment-reversed", "Payment refunded",
            "The gateway charged this payment after its order could no longer take it; the charge is refunded "
                + "automatically. See the order for its state.")
        .with("paymentId", payment.id).with("paymentStatus", payment.status);
  }

  /** The gateway refused the request as invalid (400, 422): nothing was charged; another method may work. */
  static Problem notAccepted(Payment payment) {
    return Problem.of(422, "payment-not-accepted", "Payment not accepted",
            "The payment gateway refused this payment request; nothing was charged. The order can be paid with "
                + "another method and a new Idempotency-Key.")
        .withErrors(List.of(new Problem.FieldError("methodToken", "refused by the payment gateway")))
        .with("paymentId", payment.id).with("paymentStatus", PaymentStatus.FAILED);
  }

  static ApiException gatewayUnavailable(Duration retryAfter) {
    return new ApiException(Problem.of(503, "payment-gateway-unavailable", "Payment gateway unavailable",
        "Payments cannot be taken right now; nothing was charged. Retry shortly with the same Idempotency-Key."),
        retryAfter);
  }
}
