package shop.orders.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's memory of SKUs with no stock left, so further orders for them are refused without a transaction.
 * A marker is trusted for {@code catalog.sold-out.ttl} at most and dropped at once when stock is released here or
 * announced by another instance; the database stays the truth, so a stale marker can only refuse, never oversell.
 */
@ApplicationScoped
public class SoldOutMarkers {
  private final ConcurrentHashMap<String, Long> markedAtNanos = new ConcurrentHashMap<>();
  private final CatalogConfig.SoldOut config;
  private final Counter shortCircuits;

  private final HotSkuGate gate;

  SoldOutMarkers(CatalogConfig config, MeterRegistry registry, HotSkuGate gate) {
    this.config = config.soldOut();
    this.gate = gate;
    this.shortCircuits = Counter.builder("orders.sold_out.short_circuit")
        .description("Orders refused as sold out from this instance's markers, without a database transaction")
        .register(registry);
  }

  /** The SKUs among {@code skus} currently marked sold out (empty when the short circuit is off). */
  public List<String> soldOutAmong(Collection<String> skus) {
    if (!config.enabled() || markedAtNanos.isEmpty()) {
      return List.of();
    }
    long now = System.nanoTime();
    return skus.stream().filter(sku -> isFresh(sku, now)).sorted().toList();
  }

  /** Counts one order refused from the markers. */
  public void countShortCircuit() {
    shortCircuits.increment();
  }

  void markSoldOut(String sku) {
    if (config.enabled()) {
      markedAtNanos.put(sku, System.nanoTime());
      gate.releaseWaiters(sku);
    }
  }

  void clear(Collection<String> skus) {
    skus.forEach(markedAtNanos::remove);
  }

  private boolean isFresh(String sku, long now) {
    Long markedAt = markedAtNanos.get(sku);
    if (markedAt == null) {
      return false;
    }
    if (now - markedAt < config.ttl().toNanos()) {
      return true;
    }
    markedAtNanos.remove(sku, markedAt);
    return false;
  }
}
