package shop.orders.catalog;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import shop.orders.common.ApiException;
import shop.orders.common.Caller;
import shop.orders.common.Page;

@Path("/api/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
public class CatalogResource {
  /** What a SKU may be, wherever one is named (path or body); the message says it to the client. */
  public static final String SKU_PATTERN = "[A-Za-z0-9._-]{1,64}";
  public static final String SKU_MESSAGE = "must be 1 to 64 of A-Z a-z 0-9 . _ -";

  private final CatalogService catalog;
  private final ProductCache products;

  CatalogResource(CatalogService catalog, ProductCache products) {
    this.catalog = catalog;
    this.products = products;
  }

  @GET
  @PermitAll
  public Page<ProductView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return catalog.page(cursor, limit);
  }

  @GET
  @Path("/{sku}")
  @PermitAll
  public Uni<ProductView> get(@PathParam("sku") String sku) {
    return products.find(sku).map(found -> found.orElseThrow(() -> ApiException.notFound("Product " + sku)));
  }

  @PUT
  @Path("/{sku}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Caller.ADMIN)
  public Response put(@PathParam("sku") @Pattern(regexp = SKU_PATTERN, message = SKU_MESSAGE)
                      String sku, @NotNull @Valid ProductUpdate body, @Context UriInfo uri) {
    var saved = catalog.put(sku, body);
    if (saved.created()) {
      return Response.created(uri.getAbsolutePath()).entity(saved.product()).build();
    }
    return Response.ok(saved.product()).build();
  }
}
