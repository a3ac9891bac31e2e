package shop.orders.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import shop.orders.db.Jdbc;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.money.Money;
import shop.orders.problem.ApiException;

import java.time.InstantSource;
import java.util.Set;

/**
 * What operators do to products: create or replace one (with {@code If-Match}), and adjust its stock during a sale
 * in one atomic statement. Each change is announced (the product cache, the sold-out markers).
 */
@ApplicationScoped
public class CatalogAdmin {
  private final Jdbc jdbc;
  private final Event<StockReleased> released;
  private final Event<ProductChanged> changed;
  private final CatalogConfig config;
  private final IdempotencyKeys idempotency;
  private final ObjectMapper json;
  private final InstantSource clock;

  CatalogAdmin(Jdbc jdbc, Event<StockReleased> released, Event<ProductChanged> changed, CatalogConfig config,
               IdempotencyKeys idempotency, ObjectMapper json, InstantSource clock) {
    this.jdbc = jdbc;
    this.released = released;
    this.changed = changed;
    this.config = config;
    this.idempotency = idempotency;
    this.json = json;
    this.clock = clock;
  }

  /** Outcome of a PUT: whether the SKU was new, and the product as stored. */
  public record Saved(boolean created, ProductView product) {}

  static final String ADJUST_OPERATION = "POST /api/products/{sku}/stock-adjustments";

  private ProductView view(Product product) {
    return ProductView.of(product, config.purchaseLimit().eventDefault());
  }

  /**
   * Creates or replaces a product. Replacing needs {@code ifMatch}, the entity tag of the product as the admin read
   * it: without it 428, and when the product changed since (an order took stock, another admin saved) 412, both
   * carrying the current tag; so a read-modify-write never loses what happened in between. {@code *} replaces
   * whatever is there. Stock changes during a sale go through {@link #adjustStock} instead.
   */
  @Transactional
  public Saved put(String sku, ProductUpdate update, String ifMatch) {
    if (!Money.isIsoCurrency(update.price().currency())) {
      throw ApiException.badRequest("price.currency", "is not an ISO 4217 currency code");
    }
    Product product = Product.findById(sku, LockModeType.PESSIMISTIC_WRITE);
    boolean created = product == null;
    if (created) {
      product = new Product();
      product.sku = sku;
    } else {
      CatalogProblems.requireCurrent(view(product).etag(), ifMatch);
    }
    product.name = update.name().strip();
    product.priceMinor = update.price().amountMinor();
    product.currency = update.price().currency();
    product.available = update.available();
    product.event = update.event() != null ? update.event() : product.event;
    product.maxPerCustomer = update.maxPerCustomer();
    product.updatedAt = clock.instant();
    if (created) {
      product.persist();
    }
    changed.fire(new ProductChanged(sku));
    if (product.available > 0) {
      released.fire(new StockReleased(Set.of(sku)));
    }
    return new Saved(created, view(product));
  }

  /**
   * Adds {@code delta} units to a product's stock (negative: removes them) in one atomic statement, so units that
   * orders take or give back meanwhile are never lost; idempotent per admin and key. 404 unknown SKU, 409 when the
   * stock would go below zero or above 1,000,000,000.
   */
  @Transactional
  public IdempotencyKeys.StoredResponse adjustStock(String adminId, String key, String sku, int delta) {
    String fingerprint = IdempotencyKeys.fingerprint(ADJUST_OPERATION, sku + "\n" + delta);
    var earlier = idempotency.claim(adminId, key, fingerprint);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    var after = jdbc.inTransaction(c -> ProductRows.adjust(c, sku, delta));
    if (after.isEmpty()) {
      Product product = Product.findById(sku);
      if (product == null) {
        throw ApiException.notFound("Product " + sku);
      }
      if ((long) product.available + delta > ProductRows.MAX_AVAILABLE) {
        throw CatalogProblems.stockAboveMaximum(sku, product.available, delta, ProductRows.MAX_AVAILABLE);
      }
      throw CatalogProblems.stockWouldGoNegative(sku, product.available, delta);
    }
    Product product = Product.findById(sku);   // not loaded before in this transaction: read after the UPDATE
    var response = new IdempotencyKeys.StoredResponse(200, toJson(view(product)), "/api/products/" + sku);
    idempotency.record(adminId, key, fingerprint, response);
    changed.fire(new ProductChanged(sku));
    if (delta > 0) {
      released.fire(new StockReleased(Set.of(sku)));
    }
    return response;
  }

  private String toJson(ProductView view) {
    try {
      return json.writeValueAsString(view);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
