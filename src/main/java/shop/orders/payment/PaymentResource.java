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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
  @RateLimited(RateLimited.PAYMENTS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  public Response pay(@PathParam("id") String id, @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                      @NotNull @Valid PaymentRequest body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    var paid = payments.pay(caller.customerId(), key, Ids.orNotFound(id, "Order"), body);
    return paid.response().toHttp(uri.getBaseUriBuilder(), paid.replayed());
  }

  @GET
  public PaymentView latest(@PathParam("id") String id) {
    return ledger.latest(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin())
        .orElseThrow(() -> ApiException.notFound("Payment of order " + id));
  }
}
