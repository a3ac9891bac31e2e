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
import shop.orders.http.Page;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.problem.ApiException;
import shop.orders.security.Caller;

@Path("/api/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
public class CatalogResource {
  /** A product's ETag as ProductView makes it: 24 hex digits, quoted (a strong validator). */
  private static final String ETAG_PATTERN = "^\"[0-9a-f]{24}\"$";

  private final CatalogAdmin admin;
  private final CatalogReads reads;
  private final ProductCache products;
  private final Caller caller;

  CatalogResource(CatalogAdmin admin, CatalogReads reads, ProductCache products, Caller caller) {
    this.admin = admin;
    this.reads = reads;
    this.products = products;
    this.caller = caller;
  }

  @GET
  @Admitted(Route.READ)
  @PermitAll
  @Operation(operationId = "listProducts", summary = "List products",
      description = "One page of the catalog in SKU order. Pass nextCursor back as cursor for the next page; it is "
          + "absent on the last one. Public: no token needed. May be read from a replica a couple of seconds "
          + "behind (stock shown is then that old; an order always takes the current stock).")
  @APIResponse(responseCode = "200", description = "One page of products",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProductPage.class)))
  public Page<ProductView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    var page = reads.page(cursor, limit);
    products.listed(page.items());
    return page;
  }

  /** The product with its {@code ETag}, which a PUT replacing it sends back in {@code If-Match}. */
  @GET
  @Path("/{sku}")
  @Admitted(Route.OTHER)   // served by the catalog cache, whose database loads catalog.cache.max-loads bounds
  @PermitAll
  @Operation(operationId = "getProduct", summary = "Read a product",
      description = "The product with its ETag, which a PUT replacing it sends back in If-Match. Public: no token "
          + "needed. Served from a cache a few seconds stale at most.")
  @APIResponse(responseCode = "200", description = "The product",
      headers = @Header(name = "ETag", description = "Strong validator of everything a PUT replaces, stock included",
          required = true, schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = ETAG_PATTERN)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "400", description = "invalid-request: the SKU is not 1 to 64 of A-Z a-z 0-9 . _ -")
  @APIResponse(responseCode = "404", description = "not-found: no such product")
  public Uni<Response> get(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE) String sku) {
    return products.find(sku).map(found -> found.orElseThrow(() -> ApiException.notFound("Product " + sku)))
        .map(product -> Response.ok(product).tag(unquoted(product.etag())).build());
  }

  /** 201 created, 200 replaced (with If-Match: 428 without it, 412 when the product changed since it was read). */
  @PUT
  @Path("/{sku}")
  @Admitted(Route.ORDER_WRITE)
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Caller.ADMIN)
  @Operation(operationId = "putProduct", summary = "Create or replace a product",
      description = "Sets name, price, stock (available), event and maxPerCustomer. Creating a new SKU needs no tag; "
          + "replacing one needs If-Match with the ETag last read (If-Match: * replaces whatever is there). Never "
          + "set stock from a number read earlier while orders run: use stock-adjustments. Admin only.")
  @APIResponse(responseCode = "200", description = "Replaced", headers = @Header(name = "ETag", description = "The product's new ETag", required = true,
          schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = ETAG_PATTERN)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "201", description = "Created",
      headers = {@Header(name = "Location", ref = "Location"),
          @Header(name = "ETag", description = "The product's ETag", required = true,
              schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = ETAG_PATTERN))},
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "403", description = "forbidden: this operation needs the admin role.")
  @APIResponse(responseCode = "412", description = "precondition-failed: the product changed since it was read; "
      + "the response carries the current ETag",
      headers = @Header(name = "ETag", description = "The product's current ETag", required = true,
          schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = ETAG_PATTERN)))
  @APIResponse(responseCode = "428", description = "precondition-required: replacing needs If-Match; the response "
      + "carries the current ETag",
      headers = @Header(name = "ETag", description = "The product's current ETag", required = true,
          schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = ETAG_PATTERN)))
  public Response put(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE)
                      String sku,
                      @Parameter(description = "The ETag last read, or * to replace whatever is there; not needed to "
                          + "create", schema = @Schema(type = SchemaType.STRING, maxLength = 64,
                          pattern = "^(\\*|\"[0-9a-f]{24}\")$"))
                      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                      @NotNull @Valid ProductUpdate body, @Context UriInfo uri) {
    var saved = admin.put(sku, body, ifMatch);
    var response = saved.created() ? Response.created(uri.getAbsolutePath()) : Response.ok();
    return response.entity(saved.product()).tag(unquoted(saved.product().etag())).build();
  }

  /**
   * Adds to or removes from a product's stock atomically ({@code {"delta": n}}), with an Idempotency-Key: the way
   * to change stock while orders take it. 200 the product, 404, 409 {@code stock-would-go-negative} or
   * {@code stock-above-maximum}.
   */
  @POST
  @Path("/{sku}/stock-adjustments")
  @Admitted(Route.ORDER_WRITE)
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Caller.ADMIN)
  @Blocking
  @Operation(operationId = "adjustStock", summary = "Add or remove stock",
      description = "Adds delta units (negative: removes them) in one atomic statement that refuses to go below "
          + "zero, so units orders take or release meanwhile are never lost; a retry with the same Idempotency-Key "
          + "counts once. Admin only.")
  @APIResponse(responseCode = "200", description = "The product after the adjustment",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "403", description = "forbidden: this operation needs the admin role.")
  @APIResponse(responseCode = "404", description = "not-found: no such product")
  @APIResponse(responseCode = "409", description = "stock-would-go-negative or stock-above-maximum (more than "
      + "1,000,000,000 available; nothing changed), or idempotency-key-in-flight (Retry-After: 1)")
  @APIResponse(responseCode = "422", description = "idempotency-key-reused: the key was used with another body")
  public Response adjust(@PathParam("sku") @Pattern(regexp = Sku.PATTERN, message = Sku.MESSAGE) String sku,
                         @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                         @NotNull @Valid StockAdjustment body, @Context UriInfo uri) {
    String key = IdempotencyKeys.requireValid(idempotencyKey);
    var stored = admin.adjustStock(caller.customerId(), key, sku, body.delta());
    return stored.toHttp(uri.getBaseUriBuilder(), false);
  }

  /** One page of products (the document's name for {@code Page<ProductView>}). */
  @Schema(name = "ProductPage", description = "One page of products; nextCursor is absent on the last page")
  public record ProductPage(@Schema(maxItems = 100) java.util.List<ProductView> items,
                            @Schema(maxLength = 512, pattern = "^[A-Za-z0-9_-]{1,512}$") String nextCursor) {}

  private static jakarta.ws.rs.core.EntityTag unquoted(String tag) {
    return new jakarta.ws.rs.core.EntityTag(tag.substring(1, tag.length() - 1));
  }
}
