package shop.orders.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import shop.orders.common.ApiException;
import shop.orders.common.Problem;
import shop.orders.order.RefundRequested;

import java.util.Optional;

/**
 * Refunds a paid order that its customer cancelled: two short transactions around the gateway call, like a
 * payment. An unknown outcome is settled by the reconciliation job. Not transactional.
 */
@ApplicationScoped
public class RefundService {
  private final RefundLedger ledger;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;

  RefundService(RefundLedger ledger, PaymentGatewayClient gateway, PaymentConfig config) {
    this.ledger = ledger;
    this.gateway = gateway;
    this.config = config;
  }

  void onCancel(@Observes RefundRequested request) {
    Refund refund = ledger.start(request.orderId);
    Optional<PaymentGatewayClient.Decision> decision;
    try {
      decision = Optional.of(gateway.refund(refund.id, refund.paymentId,
          refund.amount()));
    } catch (CircuitBreakerOpenException | BulkheadException e) {
      ledger.notSent(refund.id);
      throw PaymentProblems.gatewayUnavailable(config.retryAfter());
    } catch (TimeoutException | ProcessingException | WebApplicationException | GatewayServerError e) {
      decision = Optional.empty();
    }
    switch (ledger.record(refund.id, decision)) {
      case REFUNDED -> request.outcome(RefundRequested.Outcome.REFUNDED);
      case FAILED -> throw new ApiException(Problem.of(409, "refund-rejected", "Refund rejected",
          "The payment gateway refused to refund this order; it stays paid. Contact support."));
      default -> request.outcome(RefundRequested.Outcome.PENDING);
    }
  }
}
