package shop.orders.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import shop.orders.common.ApiException;
import shop.orders.common.IdempotencyKeys;
import shop.orders.common.IdempotencyKeys.StoredResponse;
import shop.orders.common.LogContext;
import shop.orders.common.Problem;
import shop.orders.order.Order;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The short transactions around a gateway call; none of them calls anything remote. */
@ApplicationScoped
public class PaymentLedger {
  private static final Logger LOG = Logger.getLogger(PaymentLedger.class);
  static final String OPERATION = "POST /api/orders/{id}/payment";

  /** A started attempt, or the response given before for this key. */
  record Start(Payment payment, StoredResponse earlier) {}

  private final IdempotencyKeys idempotency;
  private final PaymentConfig config;
  private final ObjectMapper json;
  private final MeterRegistry registry;

  PaymentLedger(IdempotencyKeys idempotency, PaymentConfig config, ObjectMapper json, MeterRegistry registry) {
    this.idempotency = idempotency;
    this.config = config;
    this.json = json;
    this.registry = registry;
  }

  /** Transaction 1: claims the key, checks the order, records the payment AUTHORIZING. */
  @Transactional
  public Start start(String customerId, String key, UUID orderId, PaymentRequest request) {
    String fingerprint = IdempotencyKeys.fingerprint(OPERATION, orderId + "\n" + request.methodToken());
    Optional<StoredResponse> earlier = idempotency.claim(customerId, key, fingerprint);
    if (earlier.isPresent()) {
      return new Start(null, earlier.get());
    }
    Order order = Order.<Order>findByIdOptional(orderId, LockModeType.PESSIMISTIC_WRITE)
        .filter(o -> o.customerId.equals(customerId))
        .orElseThrow(() -> ApiException.notFound("Order " + orderId));
    Instant now = Instant.now();
    order.beginPayment(now);
    Payment payment = Payment.authorizing(orderId, customerId, key, order.total(), now);
    payment.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
    payment.persist();
    idempotency.hold(customerId, key, fingerprint, unknown(payment));
    return new Start(payment, null);
  }

  /** Transaction 2: records what the gateway answered (empty: no answer) and the final response for the key. */
  @Transactional
  public StoredResponse record(UUID paymentId, Optional<PaymentGatewayClient.Decision> decision) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    Instant now = Instant.now();
    if (decision.isEmpty()) {
      if (payment.settle(PaymentStatus.UNKNOWN, null, now)) {
        countOutcome(PaymentStatus.UNKNOWN);
        try (var about = LogContext.order(payment.orderId)) {
          LOG.infof("Payment %s outcome unknown (no answer from the gateway); reconciliation will ask", payment.id);
        }
      }
      payment.nextCheckAt = now.plus(config.reconciliation().firstCheckAfter());
    } else {
      settle(payment, decision.get().approved() ? PaymentStatus.CAPTURED : PaymentStatus.DECLINED,
          decision.get().gatewayRef(), now);
    }
    StoredResponse response = responseFor(payment);
    idempotency.complete(payment.customerId, payment.idempotencyKey, response);
    return response;
  }

  /** The gateway was never asked (breaker open, bulkhead full): no payment, the key may be used again. */
  @Transactional
  public void notSent(UUID paymentId) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    settle(payment, PaymentStatus.FAILED, null, Instant.now());
    idempotency.forget(payment.customerId, payment.idempotencyKey);
  }

  /** Reconciliation: takes up to {@code limit} due payments for a while, so other replicas leave them alone. */
  @Transactional
  public List<UUID> leaseDue(Instant now, int limit) {
    return GatewayOperation.leaseDue("payment", "'AUTHORIZING', 'UNKNOWN'", now, limit,
        config.reconciliation().retryEvery());
  }

  /** A webhook's news: empty when the payment is not ours, else whether it changed anything. */
  @Transactional
  public Optional<Boolean> settleFromGateway(UUID paymentId, Optional<PaymentGatewayClient.Decision> known) {
    if (Payment.findById(paymentId) == null) {
      return Optional.empty();
    }
    return Optional.of(reconcile(paymentId, known));
  }

  /** Reconciliation: what the gateway knows settles the payment, once; not found means it was never charged. */
  @Transactional
  public boolean reconcile(UUID paymentId, Optional<PaymentGatewayClient.Decision> known) {
    Payment payment = Payment.findById(paymentId, LockModeType.PESSIMISTIC_WRITE);
    if (payment.status.isFinal()) {
      return false;
    }
    boolean approved = known.map(PaymentGatewayClient.Decision::approved).orElse(false);
    settle(payment, approved ? PaymentStatus.CAPTURED : PaymentStatus.FAILED,
        known.map(PaymentGatewayClient.Decision::gatewayRef).orElse(null), Instant.now());
    idempotency.complete(payment.customerId, payment.idempotencyKey, responseFor(payment));
    return true;
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public long unsettled() {
    return Payment.backlog();
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<PaymentView> latest(UUID orderId, String customerId, boolean admin) {
    return Payment.latestFor(orderId).filter(p -> admin || p.customerId.equals(customerId)).map(PaymentView::of);
  }

  private void settle(Payment payment, PaymentStatus status, String ref, Instant now) {
    if (!payment.settle(status, ref, now)) {
      return;
    }
    countOutcome(status);
    try (var about = LogContext.order(payment.orderId)) {
      LOG.infof("Payment %s %s%s", payment.id, status, ref == null ? "" : " (gateway reference " + ref + ")");
    }
    Order order = Order.findById(payment.orderId, LockModeType.PESSIMISTIC_WRITE);
    if (status == PaymentStatus.CAPTURED) {
      order.markPaid(now);
    } else {
      order.paymentFailed(now);
    }
  }

  /** payments_outcome_total{outcome}: a low-cardinality tag, one value per state a payment can reach. */
  private void countOutcome(PaymentStatus status) {
    registry.counter("payments.outcome", "outcome", status.name().toLowerCase()).increment();
  }

  private StoredResponse responseFor(Payment payment) {
    String location = "/api/orders/" + payment.orderId + "/payment";
    return switch (payment.status) {
      case CAPTURED -> new StoredResponse(201, toJson(PaymentView.of(payment)), location);
      case DECLINED, FAILED -> new StoredResponse(402, toJson(PaymentProblems.declined(payment)), location);
      default -> unknown(payment);
    };
  }

  private StoredResponse unknown(Payment payment) {
    return new StoredResponse(202, toJson(PaymentView.of(payment)), "/api/orders/" + payment.orderId + "/payment");
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
