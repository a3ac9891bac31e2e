package shop.orders.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.db.ReadReplica;
import shop.orders.http.Cursor;
import shop.orders.http.Page;

import java.util.Optional;

/**
 * What shoppers read of the catalog, from the read replica while it is fresh enough (db.ReadReplica): a page of the
 * catalog, and one product when the product cache misses. Both are shown seconds stale at most anyway (the cache);
 * what must be current (prices and stock for an order, an admin's read-modify-write) is read by
 * {@link CatalogService} in its transaction on the primary.
 */
@ApplicationScoped
public class CatalogReads {
  private final ReadReplica reads;
  private final CatalogConfig config;

  CatalogReads(ReadReplica reads, CatalogConfig config) {
    this.reads = reads;
    this.config = config;
  }

  public Page<ProductView> page(String cursor, String limit) {
    int size = Cursor.checkLimit(limit);
    String after = cursor == null ? null : Cursor.decode(cursor);
    if (after != null && !after.matches(Sku.PATTERN)) {
      throw Cursor.refused();   // the catalog's positions are SKUs
    }
    int eventDefault = config.purchaseLimit().eventDefault();
    var rows = reads.read(c -> ProductRows.pageAfter(c, after, size + 1, eventDefault));
    return Page.of(rows, size, view -> view, ProductView::sku);
  }

  /** One product, for catalog.ProductCache. */
  public Optional<ProductView> load(String sku) {
    int eventDefault = config.purchaseLimit().eventDefault();
    return reads.read(c -> ProductRows.view(c, sku, eventDefault));
  }
}
