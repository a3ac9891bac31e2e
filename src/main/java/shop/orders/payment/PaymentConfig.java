package shop.orders.payment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/** Payments (payment.PaymentService, payment.ReconciliationJob); gateway fault tolerance is in application.properties. */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {
  /** Retry-After sent with 503 while the gateway breaker is open or the bulkhead is full. */
  @WithDefault("PT5S")
  Duration retryAfter();

  Reconciliation reconciliation();

  Webhook webhook();

  interface Webhook {
    /** Shared secret of the gateway's HMAC-SHA256 webhook signatures (from the Secret in production). */
    String secret();

    /** Oldest signature timestamp accepted, either way, against replays of captured webhooks. */
    @WithDefault("PT5M")
    Duration tolerance();
  }

  interface Reconciliation {
    /** How often the job looks for payments with an unknown outcome. */
    @WithDefault("10s")
    String every();

    /** How long after the attempt an AUTHORIZING or UNKNOWN payment is first checked with the gateway. */
    @WithDefault("PT5S")
    Duration firstCheckAfter();

    /** Wait between checks of one payment while the gateway cannot answer. */
    @WithDefault("PT30S")
    Duration retryEvery();

    /** Payments settled per transaction. */
    @WithDefault("20")
    @Positive
    int batchSize();
  }
}
