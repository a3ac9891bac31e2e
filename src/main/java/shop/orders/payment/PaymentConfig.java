package shop.orders.payment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Payments (PaymentService, ReconciliationJob, ChargeSweep); the gateway's fault tolerance is in PaymentGatewayClient. */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {
  /** Retry-After sent with 503 while the gateway breaker is open or the bulkhead is full. */
  @WithDefault("PT5S")
  Duration retryAfter();

  Reconciliation reconciliation();

  Webhook webhook();

  Sweep sweep();

  interface Webhook {
    /**
     * Shared secret of the gateway's HMAC-SHA256 webhook signatures (from the Secret in production). No default
     * outside the local, dev and test profiles: without it the service does not start.
     */
    @NotBlank
    String secret();

    /** The secret before a rotation, accepted as well until the gateway signs with the new one; usually unset. */
    Optional<String> previousSecret();

    /** The secrets a signature may be made with: the current one first. */
    default List<String> secrets() {
      return previousSecret().filter(s -> !s.isBlank()).map(previous -> List.of(secret(), previous))
          .orElse(List.of(secret()));
    }

    /** Oldest signature timestamp accepted, either way, against replays of captured webhooks. */
    @WithDefault("PT5M")
    Duration tolerance();
  }

  interface Reconciliation {
    /**
     * How often the job looks for payments with an unknown outcome ({@code off}: never). {@code @Scheduled} reads it
     * by name; declared here so the key has its one default and is validated.
     */
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

    /**
     * Payments of a batch settled at once, each a gateway round trip or two: after a crash that left dozens open,
     * one at a time would take a minute with a gateway answering in 600 ms. Below the charge bulkhead (16), so the
     * charges sent again never take all of its places from the customers' payments.
     */
    @WithDefault("8")
    @Positive
    @Max(16)
    int parallelism();

    /**
     * How long after an attempt starts the gateway's "not found" becomes final. Before that, a 404 means "not
     * received yet": the payment stays UNKNOWN and its order locked. It must cover the client's timeout and retry
     * (2 s, one retry: about 4 s) and the time a gateway may still act on a request it received (its own queues
     * and retries, a slow acquirer: card authorisations time out at the acquirer within about a minute). 10 minutes
     * is several times that, and leaves an attempt made early in the 15-minute payment window time to be tried
     * again. A charge the gateway makes even later is not lost: it pays its order if it still can, or is refunded
     * automatically (REVERSING); the window only decides how often that happens.
     */
    @WithDefault("PT10M")
    Duration notFoundFinalAfter();

    /** Sending the charge again when the gateway does not have it. */
    Resend resend();
  }

  /**
   * A payment whose outcome is unknown because the service may never have sent it (it stopped between recording
   * the attempt and the answer, or the call timed out) and that the gateway says it does not have is sent again
   * under its own idempotency key: the gateway answers the charge it made, or makes it now, once, or answers 409
   * while a request with that key is still being processed. The not-found window then only ends a payment that
   * cannot be sent again: started by a release that did not keep its method token, or whose sendings are spent.
   */
  interface Resend {
    /**
     * Sendings after the first, at most. 6 with the pauses below spread over about a minute and a half: longer
     * than a gateway takes to record a charge it received (a slow acquirer), short beside the payment window.
     */
    @WithDefault("6")
    @Positive
    @Max(100)
    int attempts();

    /** Pause after the first sending again before the payment is checked again; doubled after each. */
    @WithDefault("PT2S")
    Duration firstPause();

    /** The longest pause between two sendings. */
    @WithDefault("PT30S")
    Duration longestPause();
  }

  /** The sweep of the gateway's charge list, for charges whose webhook and lookup were both lost. */
  interface Sweep {
    /**
     * How often the sweep reads the charges the gateway recorded recently ({@code off}: never). {@code @Scheduled}
     * reads it by name; declared here so the key has its one default and is validated.
     */
    @WithDefault("2m")
    String every();

    /** How far back the first sweep after a start reads. */
    @WithDefault("PT1H")
    Duration lookback();

    /** Each later sweep starts this long before where the last complete one ended (clocks, late commits). */
    @WithDefault("PT5M")
    Duration overlap();

    /** Charges per page of the list call (the gateway allows 1..100). */
    @WithDefault("100")
    @Positive
    @Max(100)
    int pageSize();

    /** Pages read per run at most; a run that stops there continues where it stopped next time. */
    @WithDefault("100")
    @Positive
    int maxPages();
  }
}
