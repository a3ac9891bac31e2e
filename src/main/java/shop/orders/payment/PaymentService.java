package shop.orders.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import shop.orders.idempotency.IdempotencyKeys.StoredResponse;
import shop.orders.problem.ApiException;

import java.util.Optional;
import java.util.UUID;

/**
 * Pays an order in two short transactions with the gateway call between them, never inside one: no pooled
 * connection waits on the gateway. Deliberately not transactional.
 */
@ApplicationScoped
public class PaymentService {
  private static final Logger LOG = Logger.getLogger(PaymentService.class);
  /** The response for the client, and whether it is a replay of an earlier one. */
  public record Paid(StoredResponse response, boolean replayed) {}

  private final PaymentLedger ledger;
  private final PaymentGatewayClient gateway;
  private final PaymentConfig config;

  PaymentService(PaymentLedger ledger, PaymentGatewayClient gateway, PaymentConfig config) {
    this.ledger = ledger;
    this.gateway = gateway;
    this.config = config;
  }

  /**
   * Owner only: an order is paid by the customer who placed it. The gateway's answer decides: approved 201,
   * declined 402, no answer or 409 (still processing) 202 and reconciliation asks; 400/422 (invalid request) 422;
   * breaker open, bulkhead full, 429 or another 4xx 503 with nothing charged.
   */
  public Paid pay(String customerId, String key, UUID orderId, PaymentRequest request) {
    var start = ledger.start(customerId, key, orderId, request);
    if (start.earlier() != null) {
      return new Paid(start.earlier(), true);
    }
    Payment payment = start.payment();
    Optional<PaymentGatewayClient.Decision> decision;
    try {
      decision = Optional.of(gateway.authorize(payment.charge()));
    } catch (CircuitBreakerOpenException | BulkheadException e) {
      ledger.notSent(payment.id);
      throw PaymentProblems.gatewayUnavailable(config.retryAfter());
    } catch (GatewayRefusal refusal) {
      switch (refusal.meaning()) {
        case IN_PROGRESS -> decision = Optional.empty();   // another request with this key runs: ask later
        case INVALID -> {
          var refused = PaymentProblems.notAccepted(payment);
          ledger.refused(payment.id, new StoredResponse(refused.status(), ledger.toJson(refused),
              "/api/orders/" + orderId + "/payment"));
          throw new ApiException(refused);
        }
        default -> {
          LOG.warnf("The gateway refused payment %s with %d: nothing charged, the client is told 503",
              payment.id, refusal.status);
          ledger.notSent(payment.id);
          throw PaymentProblems.gatewayUnavailable(refusal.retryAfter.orElse(config.retryAfter()));
        }
      }
    } catch (TimeoutException | ProcessingException | WebApplicationException | GatewayServerError e) {
      decision = Optional.empty();   // maybe charged: reconciliation asks the gateway
    }
    return new Paid(ledger.record(payment.id, decision), false);
  }
}
