package shop.orders.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import shop.orders.db.AfterCommit;
import shop.orders.db.Jdbc;
import shop.orders.db.RoundTrip;
import shop.orders.problem.ApiException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The catalog on the order path: an order's prices and purchase limits (part of its round trip), its stock reserved
 * atomically, and stock given back by cancelled or expired orders. What operators do to products is
 * {@link CatalogAdmin}'s; what shoppers read, {@link CatalogReads}'.
 */
@ApplicationScoped
public class CatalogService {
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  private final Jdbc jdbc;
  private final SoldOutMarkers markers;
  private final Event<StockReleased> released;
  private final HotSkuGate gate;
  private final Counter stockConflicts;
  private final AfterCommit afterCommit;
  private final CatalogConfig config;

  CatalogService(Jdbc jdbc, SoldOutMarkers markers, HotSkuGate gate, Event<StockReleased> released,
                 AfterCommit afterCommit, CatalogConfig config, MeterRegistry registry) {
    this.jdbc = jdbc;
    this.afterCommit = afterCommit;
    this.config = config;
    this.gate = gate;
    this.markers = markers;
    this.released = released;
    this.stockConflicts = Counter.builder("orders.stock.conflicts")
        .description("Reservations refused by the database for lack of stock (each one a rolled-back transaction)")
        .register(registry);
  }


  /**
   * The price and purchase limit of each SKU an order names, as a part of the caller's round trip (db.RoundTrip);
   * {@link #requireAll} then refuses SKUs the catalog does not have.
   */
  public RoundTrip.Part<Map<String, Offer>> offersPart(Collection<String> skus) {
    return ProductRows.offersPart(skus, config.purchaseLimit().eventDefault());
  }

  /** The offers of {@code skus}; a 422 naming every SKU the catalog does not have. */
  public Map<String, Offer> requireAll(Collection<String> skus, Map<String, Offer> offers) {
    List<String> unknown = skus.stream().filter(s -> !offers.containsKey(s)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw CatalogProblems.unknownSkus(unknown);
    }
    return offers;
  }

  /**
   * Reserves every quantity or none: conditional updates in SKU order, so concurrent multi-line orders lock rows in
   * the same order and cannot deadlock. The first line's update, with the bound on row-lock waits, goes in a round
   * trip of the caller's ({@link Reservation#first}), last in it; {@link Reservation#finish} takes the other lines.
   * Throws 409 naming the short SKUs; the caller's transaction rolls back. A SKU this order empties is marked sold
   * out only once the transaction has committed: rolled back (a later line was short), the units are back and the
   * SKU is not sold out.
   */
  public Reservation reservation(Map<String, Integer> quantitiesBySku) {
    return new Reservation(new TreeMap<>(quantitiesBySku));
  }

  /** A reservation begun in the caller's round trip (its first line) and finished by {@link #finish}. */
  public final class Reservation {
    private final TreeMap<String, Integer> sorted;
    private final String firstSku;
    private final RoundTrip.Part<Integer> first;

    private Reservation(TreeMap<String, Integer> sorted) {
      this.sorted = sorted;
      this.firstSku = sorted.firstKey();
      this.first = ProductRows.reservePart(firstSku, sorted.firstEntry().getValue(), gate.lockWait())
          .map(left -> {
            gate.markFree(firstSku);
            return left;
          })
          .whenFailed(e -> markIfStuck(firstSku, e));
    }

    /** The first line's update, for the end of the caller's round trip. */
    public RoundTrip.Part<Integer> firstPart() {
      return first;
    }

    /**
     * After the round trip with {@link #firstPart}: the other lines, each a round trip of its own, then the outcome
     * (409 when any was short). A one-line order needs the database no more.
     */
    public void finish() {
      var reserved = new TreeMap<String, Integer>();
      var emptied = new ArrayList<String>();
      for (var line : sorted.entrySet()) {
        String sku = line.getKey();
        int left = sku.equals(firstSku) ? first.result()
            : jdbc.inTransaction(c -> reserveOrMarkStuck(c, sku, line.getValue()));
        if (left < 0) {
          throw shortOfStock(reserved);
        }
        reserved.put(sku, line.getValue());
        if (left == 0) {
          emptied.add(sku);
        }
      }
      if (!emptied.isEmpty()) {
        afterCommit.run(() -> emptied.forEach(markers::markSoldOut));
      }
    }

    /** The 409 naming the short SKUs; those with nothing left are marked sold out. */
    private ApiException shortOfStock(Map<String, Integer> reservedSoFar) {
      // what others left: this transaction's own reservations, about to roll back, do not count
      Map<String, Integer> left = jdbc.inTransaction(c -> ProductRows.availableOf(c, sorted.keySet()));
      var available = new TreeMap<>(left);
      reservedSoFar.forEach((sku, q) -> available.merge(sku, q, Integer::sum));
      stockConflicts.increment();
      List<String> shortSkus = shortOf(available, sorted);
      shortSkus.stream().filter(sku -> available.getOrDefault(sku, 0) == 0).forEach(markers::markSoldOut);
      var shortages = new TreeMap<String, Integer>();
      shortSkus.forEach(sku -> shortages.put(sku, available.getOrDefault(sku, 0)));
      return CatalogProblems.outOfStock(shortages);
    }
  }

  private int reserveOrMarkStuck(Connection c, String sku, int quantity) throws SQLException {
    try {
      int left = RoundTrip.run(c, ProductRows.reservePart(sku, quantity, null));
      gate.markFree(sku);
      return left;
    } catch (SQLException e) {
      markIfStuck(sku, e);
      throw e;
    }
  }

  /** A reservation that timed out waiting for the row's lock: the SKU's row is held (HotSkuGate). */
  private void markIfStuck(String sku, SQLException e) {
    if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
      gate.markStuck(sku);
    }
  }

  /** Gives back the stock of a cancelled or expired order, in SKU order. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void releaseAll(Map<String, Integer> quantitiesBySku) {
    var sorted = new TreeMap<>(quantitiesBySku);
    jdbc.runInTransaction(c -> {
      for (var line : sorted.entrySet()) {
        ProductRows.release(c, line.getKey(), line.getValue());
      }
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
