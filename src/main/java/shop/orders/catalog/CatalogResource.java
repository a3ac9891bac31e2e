package shop.orders.catalog;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.http.Page;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.ApiException;
import shop.orders.security.Caller;

@Path("/api/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
public class CatalogResource {
  private final CatalogService catalog;
  private final ProductCache products;
  private final Caller caller;

  CatalogResource(CatalogService catalog, ProductCache products, Caller caller) {
    this.catalog = catalog;
    this.products = products;
    this.caller = caller;
  }

  @GET
  @PermitAll
  public Page<ProductView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    var page = catalog.page(cursor, limit);
    products.listed(page.items());
    return page;
  }

  /** The product with its {@code ETag}, which a PUT replacing it sends back in {@code If-Match}. */
  @GET
  @Path("/{sku}")
  @PermitAll
  public Uni<Response> get(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE) String sku) {
    return products.find(sku).map(found -> found.orElseThrow(() -> ApiException.notFound("Product " + sku)))
        .map(product -> Response.ok(product).tag(unquoted(product.etag())).build());
  }

  /** 201 created, 200 replaced (with If-Match: 428 without it, 412 when the product changed since it was read). */
  @PUT
  @Path("/{sku}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Caller.ADMIN)
  public Response put(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE)
                      String sku, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                      @NotNull @Valid ProductUpdate body, @Context UriInfo uri) {
    var saved = catalog.put(sku, body, ifMatch);
    var response = saved.created() ? Response.created(uri.getAbsolutePath()) : Response.ok();
    return response.entity(saved.product()).tag(unquoted(saved.product().etag())).build();
  }

  /**
   * Adds to or removes from a product's stock atomically ({@code {"delta": n}}), with an Idempotency-Key: the way
   * to change stock while orders take it. 200 the product, 404, 409 {@code stock-would-go-negative}.
   */
  @POST
  @Path("/{sku}/stock-adjustments")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Caller.ADMIN)
  @Blocking
  public Response adjust(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE) String sku,
                         @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                         @NotNull @Valid StockAdjustment body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    var stored = catalog.adjustStock(caller.customerId(), key, sku, body.delta());
    return stored.toHttp(uri.getBaseUriBuilder(), false);
  }

  private static jakarta.ws.rs.core.EntityTag unquoted(String tag) {
    return new jakarta.ws.rs.core.EntityTag(tag.substring(1, tag.length() - 1));
  }
}
