package shop.orders.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import shop.orders.common.ApiException;
import shop.orders.common.Cursor;
import shop.orders.common.Jdbc;
import shop.orders.common.Money;
import shop.orders.common.Page;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

@ApplicationScoped
public class CatalogService {
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  private final Jdbc jdbc;
  private final SoldOutMarkers markers;
  private final Event<StockReleased> released;
  private final Event<ProductChanged> changed;
  private final HotSkuGate gate;
  private final Counter stockConflicts;

  CatalogService(Jdbc jdbc, SoldOutMarkers markers, HotSkuGate gate, Event<StockReleased> released,
                 Event<ProductChanged> changed, MeterRegistry registry) {
    this.jdbc = jdbc;
    this.gate = gate;
    this.changed = changed;
    this.markers = markers;
    this.released = released;
    this.stockConflicts = Counter.builder("orders.stock.conflicts")
        .description("Reservations refused by the database for lack of stock (each one a rolled-back transaction)")
        .register(registry);
  }

  public static final int MAX_PAGE = 100;
  public static final int DEFAULT_PAGE = 20;

  /** Outcome of a PUT: whether the SKU was new, and the product as stored. */
  public record Saved(boolean created, ProductView product) {}

  @Transactional(Transactional.TxType.SUPPORTS)
  public Page<ProductView> page(String cursor, String limit) {
    int size = Cursor.checkLimit(limit, DEFAULT_PAGE, MAX_PAGE);
    String after = cursor == null ? null : Cursor.decode(cursor);
    return Page.of(Product.pageAfter(after, size + 1), size, ProductView::of, p -> p.sku);
  }

  /** One product straight from PostgreSQL (catalog.ProductCache loads through here). */
  @Transactional
  public Optional<ProductView> load(String sku) {
    return Product.<Product>findByIdOptional(sku).map(ProductView::of);
  }

  @Transactional
  public Saved put(String sku, ProductUpdate update) {
    if (!Money.isIsoCurrency(update.price().currency())) {
      throw ApiException.badRequest("price.currency", "is not an ISO 4217 currency code");
    }
    Product product = Product.findById(sku);
    boolean created = product == null;
    if (created) {
      product = new Product();
      product.sku = sku;
    }
    product.name = update.name().strip();
    product.priceMinor = update.price().amountMinor();
    product.currency = update.price().currency();
    product.available = update.available();
    product.event = update.event() != null ? update.event() : product.event;
    product.updatedAt = Instant.now();
    if (created) {
      product.persist();
    }
    changed.fire(new ProductChanged(sku));
    if (product.available > 0) {
      released.fire(new StockReleased(Set.of(sku)));
    }
    return new Saved(created, ProductView.of(product));
  }

  /** The price of each SKU an order names; a 422 naming every SKU the catalog does not have. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Map<String, Money> pricesFor(Collection<String> skus) {
    Map<String, Money> prices = jdbc.inTransaction(c -> Product.pricesOf(c, skus));
    List<String> unknown = skus.stream().filter(s -> !prices.containsKey(s)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw CatalogProblems.unknownSkus(unknown);
    }
    return prices;
  }

  /**
   * Reserves every quantity or none: conditional updates in SKU order, so concurrent multi-line orders lock rows in
   * the same order and cannot deadlock. Throws 409 naming the short SKUs; the caller's transaction rolls back.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void reserveAll(Map<String, Integer> quantitiesBySku) {
    var sorted = new TreeMap<>(quantitiesBySku);
    Map<String, Integer> shortAvailable = jdbc.inTransaction(c -> {
      waitForRowLocksAtMost(c, gate.lockWait());
      for (var line : sorted.entrySet()) {
        int left = reserveOrMarkStuck(c, line.getKey(), line.getValue());
        if (left < 0) {
          return Product.availableOf(c, sorted.keySet());
        }
        if (left == 0) {
          markers.markSoldOut(line.getKey());
        }
      }
      return Map.of();
    });
    if (!shortAvailable.isEmpty()) {
      stockConflicts.increment();
      shortAvailable.forEach((sku, available) -> {
        if (available == 0) {
          markers.markSoldOut(sku);
        }
      });
      throw CatalogProblems.outOfStock(shortOf(shortAvailable, sorted));
    }
  }

  private int reserveOrMarkStuck(Connection c, String sku, int quantity) throws SQLException {
    try {
      int left = Product.reserve(c, sku, quantity);
      gate.markFree(sku);
      return left;
    } catch (SQLException e) {
      if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        gate.markStuck(sku);
      }
      throw e;
    }
  }

  /** For the rest of this transaction only: its stock UPDATEs wait at most this long for a row lock. */
  private static void waitForRowLocksAtMost(Connection c, Duration wait) throws SQLException {
    try (var set = c.createStatement()) {
      set.execute("set local lock_timeout = " + Math.max(1, wait.toMillis()));
    }
  }

  /** Gives back the stock of a cancelled or expired order, in SKU order. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void releaseAll(Map<String, Integer> quantitiesBySku) {
    var sorted = new TreeMap<>(quantitiesBySku);
    jdbc.inTransaction(c -> {
      for (var line : sorted.entrySet()) {
        Product.release(c, line.getKey(), line.getValue());
      }
      return null;
    });
    released.fire(new StockReleased(Set.copyOf(sorted.keySet())));
  }

  private static List<String> shortOf(Map<String, Integer> available, Map<String, Integer> wanted) {
    return wanted.entrySet().stream()
        .filter(e -> available.getOrDefault(e.getKey(), 0) < e.getValue())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }
}
