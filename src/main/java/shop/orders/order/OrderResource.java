package shop.orders.order;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.http.Ids;
import shop.orders.http.Page;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.security.Caller;

import java.util.UUID;

@Path("/api/orders")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "orders")
public class OrderResource {
  private final OrderService orders;
  private final OrderIntake intake;
  private final OrderCancellation cancellation;
  private final Caller caller;

  OrderResource(OrderService orders, OrderIntake intake, OrderCancellation cancellation, Caller caller) {
    this.orders = orders;
    this.intake = intake;
    this.cancellation = cancellation;
    this.caller = caller;
  }

  /**
   * Non-blocking on purpose: Quarkus REST then reads the small body on the I/O thread, sold-out refusals are
   * answered there, and only the transaction runs on a worker (OrderIntake). A blocking method would read the body
   * with blocking I/O on the worker, which cost a third of the CPU per order in bin/bench-orders.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @APIResponse(responseCode = "201", description = "The order, awaiting payment; a replay of the same key answers the "
      + "first response again with Idempotent-Replayed: true",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "409", description = "Nothing reserved. type .../out-of-stock (skus), "
      + ".../purchase-limit (sku, limit, held: one customer may hold at most the product's maxPerCustomer units in "
      + "orders awaiting payment or paid; event products 2 unless set), or .../idempotency-key-in-flight",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<Response> place(@HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                             @NotNull @Valid OrderRequest body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    String customerId = caller.customerId();
    var base = uri.getBaseUriBuilder();
    return intake.place(customerId, key, body).map(placed -> placed.response().toHttp(base, placed.replayed()));
  }

  @GET
  public Page<OrderView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return orders.page(caller.customerId(), cursor, limit);
  }

  @GET
  @Path("/{id}")
  public OrderView get(@PathParam("id") String id) {
    return orders.find(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin()).orElseThrow(() -> notFound(id));
  }

  /** 200 with the cancelled (or refunded) order; 202 when a paid order's refund outcome is not known yet. */
  @POST
  @Path("/{id}/cancel")
  public Response cancel(@PathParam("id") String id) {
    var cancelled = cancellation.cancel(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin())
        .orElseThrow(() -> notFound(id));
    return Response.status(cancelled.refundPending() ? 202 : 200).entity(cancelled.order()).build();
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("Order " + id);
  }
}
