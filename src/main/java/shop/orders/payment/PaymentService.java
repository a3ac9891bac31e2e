package shop.orders.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import shop.orders.common.IdempotencyKeys.StoredResponse;

import java.util.Optional;
import java.util.UUID;

/**
 * Pays an order in two short transactions with the gateway call between them, never inside one: no pooled
 * connection waits on the gateway. Deliberately not transactional.
 */
@ApplicationScoped
public class PaymentService {
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

  /** Owner only: an order is paid by the customer who placed it. */
  public Paid pay(String customerId, String key, UUID orderId, PaymentRequest request) {
    var start = ledger.start(customerId, key, orderId, request);
    if (start.earlier() != null) {
      return new Paid(start.earlier(), true);
    }
    Payment payment = start.payment();
    Optional<PaymentGatewayClient.Decision> decision;
    try {
      decision = Optional.of(gateway.authorize(payment.id, orderId, payment.amount(), request.methodToken()));
    } catch (CircuitBreakerOpenException | BulkheadException e) {
      ledger.notSent(payment.id);
      throw PaymentProblems.gatewayUnavailable(config.retryAfter());
    } catch (TimeoutException | ProcessingException | WebApplicationException | GatewayServerError e) {
      decision = Optional.empty();   // maybe charged: reconciliation asks the gateway
    }
    return new Paid(ledger.record(payment.id, decision), false);
  }
}
