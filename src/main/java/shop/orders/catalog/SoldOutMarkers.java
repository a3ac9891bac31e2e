package shop.orders.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.time.Ticker;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's memory of SKUs with no stock left, so further orders for them are refused without a transaction.
 * A marker is trusted for {@code catalog.sold-out.ttl} at most and dropped at once when stock is released here or
 * announced by another instance; the database stays the truth, so a stale marker can only refuse, never oversell.
 * In the last {@code recheck-ahead} of a marker's life a single order is let through to ask the database again, and
 * the others are still refused meanwhile: when every order went through at once after the marker expired, each
 * expiry of a sold-out event SKU sent a wave of buyers to the database, every second.
 */
@ApplicationScoped
public class SoldOutMarkers {
  /** When the SKU was found sold out, and whether one order is already asking the database again. */
  private record Marker(long markedAtNanos, boolean rechecking) {
    long ageAt(long nowNanos) {
      return nowNanos - markedAtNanos;
    }
  }

  private final ConcurrentHashMap<String, Marker> markers = new ConcurrentHashMap<>();
  private final CatalogConfig.SoldOut config;
  private final Counter shortCircuits;

  private final HotSkuGate gate;
  private final Ticker ticker;

  SoldOutMarkers(CatalogConfig config, MeterRegistry registry, HotSkuGate gate, Ticker ticker) {
    this.config = config.soldOut();
    this.gate = gate;
    this.ticker = ticker;
    this.shortCircuits = Counter.builder("orders.sold_out.short_circuit")
        .description("Orders refused as sold out from this instance's markers, without a database transaction")
        .register(registry);
  }

  /** The SKUs among {@code skus} currently marked sold out (empty when the short circuit is off). */
  public List<String> soldOutAmong(Collection<String> skus) {
    if (!config.enabled() || markers.isEmpty()) {
      return List.of();
    }
    long now = ticker.nanoTime();
    return skus.stream().filter(sku -> isSoldOut(sku, now)).sorted().toList();
  }

  /**
   * Whether one of {@code skus} was found sold out after {@code sinceNanos} (the service's {@link Ticker}) and is still marked:
   * for an order that passed the markers, then waited for its turn. Older markers do not count: the order passed
   * them because it is the one re-checking.
   */
  public boolean markedSince(Collection<String> skus, long sinceNanos) {
    if (!config.enabled() || markers.isEmpty()) {
      return false;
    }
    long now = ticker.nanoTime();
    return skus.stream().map(markers::get).anyMatch(marker -> marker != null
        && marker.markedAtNanos() - sinceNanos > 0 && marker.ageAt(now) < config.ttl().toNanos());
  }

  /** Counts one order refused from the markers. */
  public void countShortCircuit() {
    shortCircuits.increment();
  }

  void markSoldOut(String sku) {
    if (config.enabled()) {
      markers.put(sku, new Marker(ticker.nanoTime(), false));
      gate.releaseWaiters(sku);
    }
  }

  void clear(Collection<String> skus) {
    skus.forEach(markers::remove);
  }

  /**
   * Fresh: sold out. Expired: dropped, not sold out. In between (its last {@code recheck-ahead}): not sold out for the
   * one caller that takes the re-check, sold out for everybody else; the re-check's transaction marks the SKU again
   * or, if stock came back, the marker expires on time.
   */
  private boolean isSoldOut(String sku, long now) {
    Marker marker = markers.get(sku);
    if (marker == null) {
      return false;
    }
    long age = marker.ageAt(now);
    if (age >= config.ttl().toNanos()) {
      markers.remove(sku, marker);
      return false;
    }
    if (marker.rechecking() || age < config.ttl().minus(config.recheckAhead()).toNanos()) {
      return true;
    }
    return !markers.replace(sku, marker, new Marker(marker.markedAtNanos(), true));
  }
}
