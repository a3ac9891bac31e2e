package shop.orders.payment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's callback. Authenticated by its HMAC signature, not a user token; nothing changes unless the
 * signature of this exact body is valid and fresh. Applying an event is idempotent and never moves a final state.
 */
@Path("/api/payments/webhook")
@Tag(name = "payments")
public class WebhookResource {

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Event(String id, String type, @JsonProperty("payment_id") UUID paymentId,
               @JsonProperty("gateway_ref") String gatewayRef) {}

  private final PaymentLedger ledger;
  private final RefundService refunds;
  private final PaymentConfig config;
  private final ObjectMapper json;
  private final InstantSource clock;

  WebhookResource(PaymentLedger ledger, RefundService refunds, PaymentConfig config, ObjectMapper json,
                  InstantSource clock) {
    this.clock = clock;
    this.ledger = ledger;
    this.refunds = refunds;
    this.config = config;
    this.json = json;
  }

  @POST
  @PermitAll
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> receive(@HeaderParam(WebhookSignature.HEADER) String signature, String body) {
    if (!WebhookSignature.verify(signature, body, config.webhook().secrets(), config.webhook().tolerance(),
        clock.instant())) {
      throw new ApiException(Problem.of(401, "bad-signature", "Invalid webhook signature",
          "The PG-Signature header is missing, stale or does not match the body."));
    }
    Event event = parse(body);
    boolean succeeded = "payment.succeeded".equals(event.type());
    if (!succeeded && !"payment.failed".equals(event.type())) {
      return Map.of("applied", false, "reason", "event type not handled");
    }
    var applied = ledger.settleFromGateway(event.paymentId(),
            new PaymentGatewayClient.Decision(succeeded, event.gatewayRef()))
        .orElseThrow(() -> ApiException.notFound("Payment " + event.paymentId()));
    applied.reversal().ifPresent(refunds::sendReversal);
    return Map.of("applied", applied.changed());
  }

  private Event parse(String body) {
    try {
      Event event = json.readValue(body, Event.class);
      if (event.paymentId() == null || event.type() == null) {
        throw ApiException.badRequest("payment_id", "and type are required");
      }
      return event;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body", "is not a gateway event");
    }
  }
}
