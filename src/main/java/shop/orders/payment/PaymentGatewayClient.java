package shop.orders.payment;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import shop.orders.money.Money;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Every call to the gateway, bounded: a timeout, a bulkhead so gateway waits cannot pile up, a breaker that
 * answers at once while the gateway is failing, and a retry only for what cannot charge twice (5xx or connection
 * refused, with the same payment id as the gateway's idempotency key). Numbers: application.properties.
 */
@ApplicationScoped
public class PaymentGatewayClient {
  public static final String BREAKER = "payment-gateway";
  public static final String LOOKUP_BREAKER = "payment-gateway-lookup";
  public static final String REFUND_BREAKER = "payment-gateway-refund";

  /** What the gateway decided. */
  public record Decision(boolean approved, String gatewayRef) {}

  @RestClient
  PaymentGatewayApi api;

  @Timeout(2000)
  @Bulkhead(16)
  @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
      skipOn = {BulkheadException.class, GatewayRefusal.class})
  @CircuitBreakerName(BREAKER)
  @Retry(maxRetries = 1, delay = 50, retryOn = GatewayServerError.class)
  public Decision authorize(PaymentGatewayApi.Charge charge) {
    return order(() -> api.charge(charge.paymentId().toString(), charge), "APPROVED");
  }

  /** What the gateway knows of a payment; empty when it never received it. */
  @Timeout(2000)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
  @CircuitBreakerName(LOOKUP_BREAKER)
  public Optional<Decision> lookup(UUID paymentId) {
    return ask(() -> api.status(paymentId), "APPROVED");
  }

  /** Pays a captured payment back; the refund id is the gateway's idempotency key. */
  @Timeout(2000)
  @Bulkhead(8)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
      skipOn = {BulkheadException.class, GatewayRefusal.class})
  @CircuitBreakerName(REFUND_BREAKER)
  @Retry(maxRetries = 1, delay = 50, retryOn = GatewayServerError.class)
  public Decision refund(UUID refundId, UUID paymentId, Money amount) {
    return order(() -> api.refund(refundId.toString(),
        new PaymentGatewayApi.RefundOrder(refundId, paymentId, amount.amountMinor(), amount.currency())), "REFUNDED");
  }

  /** What the gateway knows of a refund; empty when it never received it. */
  @Timeout(2000)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
  @CircuitBreakerName("payment-gateway-refund-lookup")
  public Optional<Decision> lookupRefund(UUID refundId) {
    return ask(() -> api.refundStatus(refundId), "REFUNDED");
  }

  /**
   * One page of the charges the gateway recorded after {@code createdAfter}, continuing after {@code startingAfter}
   * (null: from the start).
   */
  @Timeout(5000)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000)
  @CircuitBreakerName("payment-gateway-charge-list")
  public PaymentGatewayApi.ChargePage charges(Instant createdAfter, UUID startingAfter, int limit) {
    try {
      return api.charges(createdAfter.toString(), startingAfter == null ? null : startingAfter.toString(), limit);
    } catch (WebApplicationException e) {
      throw serverErrorOr(e);
    } catch (ProcessingException e) {
      throw unreachableOr(e);
    }
  }

  /** Asks the gateway to do something; a 4xx that is not a decision is a {@link GatewayRefusal}. */
  private static Decision order(Supplier<PaymentGatewayApi.Result> call, String yes) {
    try {
      var result = call.get();
      return new Decision(yes.equals(result.status()), result.gatewayRef());
    } catch (WebApplicationException e) {
      if (e.getResponse().getStatus() < 500) {
        throw new GatewayRefusal(e.getResponse().getStatus(), retryAfter(e));
      }
      throw serverErrorOr(e);
    } catch (ProcessingException e) {
      throw unreachableOr(e);
    }
  }

  /** Asks the gateway what became of something; empty when it never received it (404). */
  private static Optional<Decision> ask(Supplier<PaymentGatewayApi.Result> call, String yes) {
    try {
      var result = call.get();
      return Optional.of(new Decision(yes.equals(result.status()), result.gatewayRef()));
    } catch (WebApplicationException e) {
      if (e.getResponse().getStatus() == 404) {
        return Optional.empty();
      }
      throw serverErrorOr(e);
    } catch (ProcessingException e) {
      throw unreachableOr(e);
    }
  }

  private static Optional<Duration> retryAfter(WebApplicationException e) {
    try {
      String header = e.getResponse().getHeaderString("Retry-After");
      return header == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())))
          .filter(d -> !d.isNegative() && d.toMinutes() < 10);
    } catch (NumberFormatException notSeconds) {
      return Optional.empty();   // an HTTP date: the configured Retry-After will do
    }
  }

  private static RuntimeException serverErrorOr(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return status >= 500 ? new GatewayServerError("gateway answered " + status, e) : e;
  }

  private static RuntimeException unreachableOr(ProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return new GatewayServerError("gateway unreachable", e);
      }
    }
    return e;
  }
}
