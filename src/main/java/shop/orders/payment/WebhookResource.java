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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.admission.Admitted;
import shop.orders.admission.Route;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.ratelimit.RateLimited;

import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The gateway's callback. Authenticated by its HMAC signature, not a user token; nothing changes unless the
 * signature of this exact body is valid and fresh. Applying an event is idempotent and never moves a final state.
 */
@Path("/api/payments/webhook")
@Tag(name = "payments")
public class WebhookResource {

  @JsonIgnoreProperties(ignoreUnknown = true)
  @Schema(name = "PaymentWebhookEvent", description = "A gateway event; other members are ignored",
      requiredProperties = {"payment_id", "type"})
  record Event(@Schema(maxLength = 128, pattern = "^[!-~]{1,128}$") String id,
               @Schema(maxLength = 64, pattern = "^[a-z_.]{1,64}$",
                   description = "payment.succeeded and payment.failed are applied; others are acknowledged")
               String type,
               @JsonProperty("payment_id") @Schema(implementation = String.class, format = "uuid", maxLength = 36) UUID paymentId,
               @JsonProperty("gateway_ref") @Schema(maxLength = 128, pattern = "^[!-~]{1,128}$") String gatewayRef) {}

  /** The webhook's answer (the document's view of the map it returns). */
  @Schema(name = "PaymentWebhookAck", requiredProperties = "applied")
  record Ack(@Schema(description = "true when the event changed a payment") boolean applied,
             @Schema(maxLength = 100, pattern = "^[ -~]{1,100}$") String reason) {}

  private static final Pattern TYPE = Pattern.compile("[a-z_.]{1,64}");
  private static final Pattern VISIBLE = Pattern.compile("[!-~]{1,128}");

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
  @Admitted(Route.PRIORITY)
  @PermitAll
  @RateLimited(RateLimited.WEBHOOKS)
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "receivePaymentWebhook", summary = "Receive a payment gateway event",
      description = "For the payment gateway only, authenticated by the HMAC signature of the exact body in "
          + "PG-Signature (not a user token). Applying an event is idempotent and never moves a final state.")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
      schema = @Schema(implementation = Event.class)))
  @APIResponse(responseCode = "200", description = "Received; applied tells whether a payment changed",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Ack.class)))
  @APIResponse(responseCode = "401", description = "bad-signature: PG-Signature is missing, stale or does not match "
      + "the body; nothing changed")
  @APIResponse(responseCode = "404", description = "not-found: no such payment")
  public Map<String, Object> receive(@Parameter(hidden = true) @HeaderParam(WebhookSignature.HEADER) String signature,
                                     String body) {
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

  /**
   * The event, its members as the contract describes them: a gateway_ref outside them was stored as it came, so an
   * overlong one failed the update (a 500 to every retry) and any other was served back in a Payment that broke the
   * contract.
   */
  private Event parse(String body) {
    Event event;
    try {
      event = json.readValue(body, Event.class);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body", "is not a gateway event");
    }
    if (event == null || event.paymentId() == null || event.type() == null) {
      throw ApiException.badRequest("payment_id", "and type are required");
    }
    if (!TYPE.matcher(event.type()).matches()) {
      throw ApiException.badRequest("type", "must be 1 to 64 of a-z . _");
    }
    if (event.id() != null && !VISIBLE.matcher(event.id()).matches()) {
      throw ApiException.badRequest("id", "must be 1 to 128 visible ASCII characters");
    }
    if (event.gatewayRef() != null && !VISIBLE.matcher(event.gatewayRef()).matches()) {
      throw ApiException.badRequest("gateway_ref", "must be 1 to 128 visible ASCII characters");
    }
    return event;
  }
}
