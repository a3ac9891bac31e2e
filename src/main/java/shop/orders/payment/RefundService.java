package shop.orders.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import shop.orders.order.PaidOrderRefunds;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Pays charges back: a paid order that its customer cancelled, and a charge the gateway made for an order that
 * could no longer take it. Two short transactions around the gateway call, like a payment; an unknown outcome is
 * settled by the reconciliation job. Not transactional.
 */
@ApplicationScoped
public class RefundService implements PaidOrderRefunds {
  private static final Logger LOG = Logger.getLogger(RefundService.class);
  private final RefundLedger ledger;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;

  RefundService(RefundLedger ledger, PaymentGatewayClient gateway, PaymentConfig config) {
    this.ledger = ledger;
    this.gateway = gateway;
    this.config = config;
  }

  @Override
  public Outcome refund(UUID orderId) {
    Refund refund = ledger.start(orderId);
    return switch (send(refund, true)) {
      case REFUNDED -> Outcome.REFUNDED;
      case FAILED -> throw new ApiException(Problem.of(409, "refund-rejected", "Refund rejected",
          "The payment gateway refused to refund this order; it stays paid. Contact support."));
      default -> Outcome.PENDING;
    };
  }

  /** Sends an open refund (again: same id, so at most one refund per payment); returns its state after. */
  public Refund.Status resend(UUID refundId) {
    return send(ledger.find(refundId), false);
  }

  /** Sends the refund of a late charge now, outside any transaction; if it cannot, reconciliation sends it later. */
  public void sendReversal(UUID refundId) {
    try {
      resend(refundId);
    } catch (RuntimeException e) {
      LOG.debugf("Refund %s not sent yet: %s", refundId, e.toString());
    }
  }

  /** {@code customerWaiting}: a cancel request waits for the answer, and is told 503 when nothing could be sent. */
  private Refund.Status send(Refund refund, boolean customerWaiting) {
    Optional<PaymentGatewayClient.Decision> decision;
    try {
      decision = Optional.of(gateway.refund(refund.id, refund.paymentId, refund.amount()));
    } catch (CircuitBreakerOpenException | BulkheadException e) {
      return notSent(refund, customerWaiting, config.retryAfter());
    } catch (GatewayRefusal refusal) {
      switch (refusal.meaning()) {
        case IN_PROGRESS -> decision = Optional.empty();
        case INVALID -> decision = Optional.of(new PaymentGatewayClient.Decision(false, null));
        default -> {
          return notSent(refund, customerWaiting, refusal.retryAfter.orElse(config.retryAfter()));
        }
      }
    } catch (TimeoutException | ProcessingException | WebApplicationException | GatewayServerError e) {
      decision = Optional.empty();
    }
    return ledger.record(refund.id, decision);
  }

  private Refund.Status notSent(Refund refund, boolean customerWaiting, Duration retryAfter) {
    if (!customerWaiting) {
      return refund.status;   // leased: reconciliation sends it again later
    }
    ledger.notSent(refund.id);
    throw PaymentProblems.gatewayUnavailable(retryAfter);
  }
}
