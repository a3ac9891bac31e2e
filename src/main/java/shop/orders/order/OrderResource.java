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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.admission.Admitted;
import shop.orders.admission.Route;
import shop.orders.http.Ids;
import shop.orders.http.Page;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.ApiException;
import shop.orders.security.Caller;


@Path("/api/orders")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "orders")
public class OrderResource {
  /** What placing an order answers, here and at the cart's checkout (cart.CartResource), which places one too. */
  public static final String PLACED = "The order, awaiting payment; a replay of the same key answers the first "
      + "response again with Idempotent-Replayed: true";
  public static final String TOO_MANY_ORDERS = "rate-limited: too many orders this minute; or too-many-at-once: "
      + "the customer already has 4 requests in progress that need the database. Nothing done, retry after "
      + "Retry-After with the same key";

  private final OrderService orders;
  private final OrderIntake intake;
  private final OrderCancellation cancellation;
  private final OrderHistory history;
  private final Caller caller;

  OrderResource(OrderService orders, OrderHistory history, OrderIntake intake, OrderCancellation cancellation,
                Caller caller) {
    this.orders = orders;
    this.history = history;
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
  @Admitted(Route.ORDER_WRITE)
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createOrder", summary = "Place an order",
      description = "Prices the lines from the catalog and reserves their stock in one short transaction: all lines "
          + "or none. Idempotent per customer and Idempotency-Key: the same key and body answer the first response "
          + "again. Limited per customer (20 orders a minute with checkouts, bursts included). The order awaits "
          + "payment for 15 minutes, then expires and its stock is released.")
  @APIResponse(responseCode = "201", description = PLACED,
      headers = @Header(name = "Location", ref = "Location"),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "409", description = "Nothing reserved: out-of-stock (skus), purchase-limit (sku, "
      + "limit, held: one customer may hold at most the product's maxPerCustomer units in orders awaiting payment or "
      + "paid; event products 2 unless set), or idempotency-key-in-flight (Retry-After: 1)")
  @APIResponse(responseCode = "422", description = "unknown-sku (skus), mixed-currency, or idempotency-key-reused "
      + "(the key was used with another body)")
  @APIResponse(responseCode = "429", description = TOO_MANY_ORDERS)
  @APIResponse(responseCode = "503", description = "overloaded, sku-busy (too many orders wait on one SKU), "
      + "database-busy or database-unavailable: nothing was done (unless a database-unavailable's detail says the "
      + "connection was lost during the commit: the order may have been placed), retry after Retry-After with the "
      + "same key, which answers the order if it was.")
  public Uni<Response> place(@HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                             @NotNull @Valid OrderRequest body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    String customerId = caller.customerId();
    var base = uri.getBaseUriBuilder();
    return intake.place(customerId, key, body).map(placed -> placed.response().toHttp(base, placed.replayed()));
  }

  @GET
  @Admitted(Route.READ)
  @Operation(operationId = "listOrders", summary = "List own orders",
      description = "The caller's own orders, newest first, in keyset pages: pass nextCursor back as cursor for the "
          + "next page; it is absent on the last one. May be read from a replica a couple of seconds behind, except "
          + "right after a change to one of the caller's orders (placed, paid, cancelled, expired), which it always "
          + "shows.")
  @APIResponse(responseCode = "200", description = "One page of orders",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderPage.class)))
  public Page<OrderView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return history.page(caller.customerId(), cursor, limit);
  }

  @GET
  @Path("/{id}")
  @Admitted(Route.READ)
  @Operation(operationId = "getOrder", summary = "Read an order",
      description = "The order, for its owner or an admin; for anyone else it does not exist (404), so ids never "
          + "leak.")
  @APIResponse(responseCode = "200", description = "The order",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "404", description = "not-found: no such order of the caller's")
  public OrderView get(@Parameter(description = "The order's id; anything that is not one of the caller's orders is 404",
      schema = @Schema(type = SchemaType.STRING, format = "uuid", maxLength = 36)) @PathParam("id") String id) {
    return orders.find(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin()).orElseThrow(() -> notFound(id));
  }

  /** 200 with the cancelled (or refunded) order; 202 when a paid order's refund outcome is not known yet. */
  @POST
  @Path("/{id}/cancel")
  @Admitted(Route.PRIORITY)   // a paid order is refunded: moves money
  @Operation(operationId = "cancelOrder", summary = "Cancel an order",
      description = "Cancels an order awaiting payment and releases its stock; a paid order is refunded. Repeating "
          + "it changes nothing. Owner or admin.")
  @APIResponse(responseCode = "200", description = "The cancelled (or refunded) order",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "202", description = "A paid order whose refund outcome is not known yet",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "404", description = "not-found: no such order of the caller's")
  @APIResponse(responseCode = "409", description = "order-state-conflict (expired, or paid and not refundable), "
      + "payment-in-progress (a payment's outcome is not known yet), refund-in-progress, refund-rejected or "
      + "no-captured-payment")
  public Response cancel(@Parameter(description = "The order's id; anything that is not one of the caller's orders is 404",
      schema = @Schema(type = SchemaType.STRING, format = "uuid", maxLength = 36)) @PathParam("id") String id) {
    var cancelled = cancellation.cancel(Ids.orNotFound(id, "Order"), caller.customerId(), caller.isAdmin())
        .orElseThrow(() -> notFound(id));
    return Response.status(cancelled.refundPending() ? 202 : 200).entity(cancelled.order()).build();
  }

  /** One page of orders (the document's name for {@code Page<OrderView>}). */
  @Schema(name = "OrderPage", description = "One page of orders; nextCursor is absent on the last page")
  public record OrderPage(@Schema(maxItems = 100) java.util.List<OrderView> items,
                          @Schema(maxLength = 512, pattern = "^[A-Za-z0-9_-]{1,512}$") String nextCursor) {}

  private static ApiException notFound(String id) {
    return ApiException.notFound("Order " + id);
  }
}
