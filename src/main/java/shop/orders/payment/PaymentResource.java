package shop.orders.payment;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.admission.Admitted;
import shop.orders.admission.Route;
import shop.orders.http.Ids;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.ApiException;
import shop.orders.ratelimit.RateLimited;
import shop.orders.security.Caller;

@Path("/api/orders/{id}/payment")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "payments")
public class PaymentResource {
  private final PaymentService payments;
  private final PaymentLedger ledger;
  private final Caller caller;

  PaymentResource(PaymentService payments, PaymentLedger ledger, Caller caller) {
    this.payments = payments;
    this.ledger = ledger;
    this.caller = caller;
  }

  /** 201 charged, 202 outcome unknown (see GET), 402 declined, 503 gateway unavailable (nothing charged). */
  @POST
  @Admitted(Route.PRIORITY)
  @RateLimited(RateLimited.PAYMENTS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  @Operation(operationId = "payOrder", summary = "Pay an order",
      description = "Charges the order's total through the payment gateway with the storefront's method token. "
          + "Owner only. Idempotent per customer and Idempotency-Key (the gateway is asked once per key). Limited "
          + "per customer (10 payments a minute, bursts included). An outcome the gateway did not give in time is "
          + "202: read it at getPayment.")
  @APIResponse(responseCode = "201", description = "Charged: the payment CAPTURED, the order PAID",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
  @APIResponse(responseCode = "202", description = "The gateway's answer is not known yet (payment UNKNOWN, the "
      + "order locked until it is); its state is at Location",
      headers = @Header(name = "Location", ref = "Location"),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
  @APIResponse(responseCode = "402", description = "payment-declined (the order is still payable, with a new key), "
      + "or payment-failed (a replay: the gateway never recorded the charge)")
  @APIResponse(responseCode = "404", description = "not-found: no such order of the caller's")
  @APIResponse(responseCode = "409", description = "payment-window-closed (nothing sent), payment-in-progress, "
      + "order-state-conflict (not awaiting payment), payment-reversed (a replay: the late charge was refunded), "
      + "or idempotency-key-in-flight (Retry-After: 1)")
  @APIResponse(responseCode = "422", description = "payment-not-accepted (errors[] names methodToken: pay with "
      + "another method and a new key), or idempotency-key-reused (the key was used with another body)")
  @APIResponse(responseCode = "429", description = "rate-limited: too many payments this minute; nothing done, "
      + "retry after Retry-After with the same key")
  @APIResponse(responseCode = "503", description = "payment-gateway-unavailable (nothing charged), overloaded, "
      + "database-busy or database-unavailable: retry after Retry-After with the same key.")
  public Response pay(@Parameter(description = "The order's id; anything that is not one of the caller's orders is 404",
      schema = @Schema(type = SchemaType.STRING, format = "uuid", maxLength = 36)) @PathParam("id") String id,
                      @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                      @NotNull @Valid PaymentRequest body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    var paid = payments.pay(caller.customerId(), key, Ids.orNotFound(id, "Order"), body);
    return paid.response().toHttp(uri.getBaseUriBuilder(), paid.replayed());
  }

  @GET
  @Admitted(Route.READ)   // reading a payment is an ordinary read, not the reserve
  @Operation(operationId = "getPayment", summary = "Read an order's payment",
      description = "The latest payment attempt of the order, for its owner or an admin.")
  @APIResponse(responseCode = "200", description = "The payment",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
  @APIResponse(responseCode = "404", description = "not-found: no such order of the caller's, or no payment yet")
  public PaymentView latest(@Parameter(description = "The order's id; anything that is not one of the caller's orders is 404",
      schema = @Schema(type = SchemaType.STRING, format = "uuid", maxLength = 36)) @PathParam("id") String id) {
    return ledger.latest(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin())
        .orElseThrow(() -> ApiException.notFound("Payment of order " + id));
  }
}
