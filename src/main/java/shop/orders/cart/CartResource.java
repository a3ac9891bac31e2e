package shop.orders.cart;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.admission.Admitted;
import shop.orders.admission.Route;
import shop.orders.order.OrderResource;
import shop.orders.order.OrderView;
import shop.orders.catalog.CatalogProblems;
import shop.orders.catalog.ProductCache;
import shop.orders.catalog.ProductView;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.security.Caller;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static shop.orders.catalog.Sku.MESSAGE;
import static shop.orders.catalog.Sku.PATTERN;

/** The caller's own cart. Non-blocking: Redis and the catalog cache answer on the I/O thread. */
@Path("/api/cart")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "cart")
public class CartResource {

  private final CartStore carts;
  private final CartCheckout checkout;
  private final ProductCache products;
  private final Caller caller;

  CartResource(CartStore carts, CartCheckout checkout, ProductCache products, Caller caller) {
    this.carts = carts;
    this.checkout = checkout;
    this.products = products;
    this.caller = caller;
  }

  @GET
  @Admitted(Route.OTHER)   // Redis and the catalog cache answer: no connection
  @Operation(operationId = "getCart", summary = "Read the cart",
      description = "The caller's cart: each line with the product's current name and price (from the catalog "
          + "cache, a few seconds old at most; the order prices from the database), and the total when every line "
          + "is in one currency.")
  @APIResponse(responseCode = "200", description = "The cart",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CartView.class)))
  @APIResponse(responseCode = "503", description = "cart-unavailable (Redis cannot be used), overloaded, "
      + "database-busy or database-unavailable: nothing was done, retry after Retry-After.")
  public Uni<CartView> get() {
    return carts.lines(caller.customerId()).chain(this::view);
  }

  /** Sets the quantity of one product (replacing any earlier one); answers the whole cart. */
  @PUT
  @Path("/items/{sku}")
  @Admitted(Route.OTHER)   // Redis and the catalog cache answer: no connection
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "putCartItem", summary = "Set a cart line",
      description = "Sets the quantity (1 to 100) of one product, replacing any earlier one; answers the whole cart. "
          + "A cart holds at most 50 lines.")
  @APIResponse(responseCode = "200", description = "The cart",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CartView.class)))
  @APIResponse(responseCode = "422", description = "unknown-sku (skus) or cart-full (more than 50 lines)")
  @APIResponse(responseCode = "503", description = "cart-unavailable (Redis cannot be used), overloaded, "
      + "database-busy or database-unavailable: nothing was done, retry after Retry-After.")
  public Uni<CartView> put(@PathParam("sku") @Pattern(regexp = PATTERN, message = MESSAGE) String sku,
                           @NotNull @Valid CartItemUpdate body) {
    String customerId = caller.customerId();
    return products.find(sku)
        .invoke(product -> {
          if (product.isEmpty()) {
            throw CatalogProblems.unknownSkus(List.of(sku));
          }
        })
        .chain(() -> carts.put(customerId, sku, body.quantity()))
        .chain(() -> carts.lines(customerId))
        .chain(this::view);
  }

  @DELETE
  @Path("/items/{sku}")
  @Admitted(Route.OTHER)   // Redis alone
  @Operation(operationId = "removeCartItem", summary = "Remove a cart line",
      description = "Removes one product from the cart; removing one that is not there changes nothing.")
  @APIResponse(responseCode = "204", description = "Removed")
  @APIResponse(responseCode = "400", description = "invalid-request: the SKU is not 1 to 64 of A-Z a-z 0-9 . _ -")
  @APIResponse(responseCode = "503", description = "cart-unavailable (Redis cannot be used), overloaded, "
      + "database-busy or database-unavailable: nothing was done, retry after Retry-After.")
  public Uni<Response> remove(@PathParam("sku") @Pattern(regexp = PATTERN, message = MESSAGE) String sku) {
    return carts.remove(caller.customerId(), sku).replaceWith(Response.noContent().build());
  }

  @DELETE
  @Admitted(Route.OTHER)   // Redis alone
  @Operation(operationId = "clearCart", summary = "Empty the cart", description = "Removes every line of the cart.")
  @APIResponse(responseCode = "204", description = "Emptied")
  @APIResponse(responseCode = "503", description = "cart-unavailable (Redis cannot be used), overloaded, "
      + "database-busy or database-unavailable: nothing was done, retry after Retry-After.")
  public Uni<Response> clear() {
    return carts.clear(caller.customerId()).replaceWith(Response.noContent().build());
  }

  /** Places an order for everything in the cart, exactly like {@code POST /api/orders}, and empties the cart. */
  @POST
  @Path("/checkout")
  @Admitted(Route.ORDER_WRITE)
  @Operation(operationId = "checkoutCart", summary = "Order the cart",
      description = "Places an order for every line of the cart exactly like createOrder (same idempotency, "
          + "limits and refusals), then empties the cart. Limited per customer with order placement (429).")
  @APIResponse(responseCode = "201", description = OrderResource.PLACED,
      headers = @Header(name = "Location", ref = "Location"),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "409", description = "Nothing reserved: out-of-stock (skus), purchase-limit (sku, "
      + "limit, held), or idempotency-key-in-flight (Retry-After: 1)")
  @APIResponse(responseCode = "422", description = "cart-empty, unknown-sku (skus), mixed-currency, or "
      + "idempotency-key-reused (the key was used with another request)")
  @APIResponse(responseCode = "429", description = OrderResource.TOO_MANY_ORDERS)
  @APIResponse(responseCode = "503", description = "cart-unavailable, overloaded, sku-busy, database-busy or "
      + "database-unavailable: nothing was done (unless a database-unavailable's detail says the connection was "
      + "lost during the commit: the order may have been placed), retry after Retry-After with the same key, which "
      + "answers the order if it was.")
  public Uni<Response> checkout(@HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    var base = uri.getBaseUriBuilder();
    return checkout.checkout(caller.customerId(), key).map(placed -> placed.response().toHttp(base, placed.replayed()));
  }

  private Uni<CartView> view(Map<String, Integer> lines) {
    if (lines.isEmpty()) {
      return Uni.createFrom().item(CartView.of(List.of()));
    }
    List<Uni<Optional<CartView.Item>>> items = lines.entrySet().stream()
        .map(line -> products.find(line.getKey()).map(found -> found.map(p -> item(p, line.getValue()))))
        .toList();
    return Uni.join().all(items).andFailFast()
        .map(found -> CartView.of(found.stream().flatMap(Optional::stream).toList()));
  }

  private static CartView.Item item(ProductView product, int quantity) {
    return new CartView.Item(product.sku(), product.name(), quantity, product.price(), product.price().times(quantity));
  }
}
