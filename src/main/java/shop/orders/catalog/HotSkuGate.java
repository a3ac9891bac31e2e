package shop.orders.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.time.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code catalog.hot-sku.max-in-flight} reservations per SKU hold a database connection at once; the
 * others wait briefly for their turn and are then refused with 503 + Retry-After. One hot SKU therefore cannot
 * take the whole pool from orders for other SKUs.
 */
@ApplicationScoped
public class HotSkuGate {
  /** Permits held for one order's SKUs; closing it gives them back. */
  public interface Pass extends AutoCloseable {
    @Override
    void close();
  }

  private static final Pass OPEN = () -> { };

  /** What an order does before it waits for its turn (it holds no connection meanwhile). */
  public interface Waiting {
    Waiting NONE = () -> { };

    void beforeWait();
  }

  private final ConcurrentHashMap<String, Semaphore> inFlight = new ConcurrentHashMap<>();
  /** SKU → the ticker's time until which its stock row is taken to be held by something else. */
  private final ConcurrentHashMap<String, Long> stuckUntil = new ConcurrentHashMap<>();
  /** Set while this thread's order probes a stuck SKU (its transaction runs on the thread that entered). */
  private final ThreadLocal<Boolean> probing = new ThreadLocal<>();
  private final CatalogConfig.HotSku config;
  private final Counter rejections;
  private final Counter stuckRejections;

  private final Ticker ticker;

  HotSkuGate(CatalogConfig config, MeterRegistry registry, Ticker ticker) {
    this.config = config.hotSku();
    this.ticker = ticker;
    this.rejections = Counter.builder("orders.hot_sku.rejected")
        .description("Orders refused because their SKU already had the maximum reservations in flight")
        .register(registry);
    this.stuckRejections = Counter.builder("orders.stock_row_stuck.rejected")
        .description("Orders refused at once because their SKU's stock row was recently held past the lock wait")
        .register(registry);
  }

  /**
   * Waits for a turn on every SKU (in SKU order, so two orders cannot hold each other's permits forever), telling
   * {@code waiting} when the order has to wait for its turn.
   */
  public Pass enter(Collection<String> skus, Waiting waiting) {
    if (!config.enabled()) {
      return OPEN;
    }
    boolean probe = refuseIfStuck(skus);
    List<Semaphore> held = new ArrayList<>();
    try {
      for (String sku : new TreeSet<>(skus)) {
        Semaphore permits = inFlight.computeIfAbsent(sku, s -> new Semaphore(config.maxInFlight(), true));
        if (!permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
          // each waiting order holds a worker thread: beyond a short queue, refuse at once
          if (queueFull(permits)) {
            throw refused(sku, held);
          }
          waiting.beforeWait();
          if (!permits.tryAcquire(config.maxWait().toNanos(), TimeUnit.NANOSECONDS)) {
            throw refused(sku, held);
          }
        }
        held.add(permits);
      }
    } catch (InterruptedException e) {
      held.forEach(Semaphore::release);
      Thread.currentThread().interrupt();
      throw busy(String.join(",", skus));
    }
    if (!probe) {
      return () -> held.forEach(Semaphore::release);
    }
    probing.set(Boolean.TRUE);
    return () -> {
      probing.remove();
      held.forEach(Semaphore::release);
    };
  }

  /**
   * Refuses at once (503 sku-busy) an order for a SKU whose turns are all taken and whose queue is full: {@link #enter}
   * would refuse it too, but only after its rate-limit call and a worker thread. In the first moments of a sale most
   * buyers are refused here, on the I/O thread.
   */
  public void refuseIfQueueFull(Collection<String> skus) {
    if (!config.enabled()) {
      return;
    }
    for (String sku : skus) {
      Semaphore permits = inFlight.get(sku);
      if (permits != null && permits.availablePermits() == 0 && queueFull(permits)) {
        throw refused(sku, List.of());
      }
    }
  }

  private boolean queueFull(Semaphore permits) {
    return permits.getQueueLength() >= config.maxWaiting();
  }

  /** How long this thread's reservation may wait for a stock row's lock: short for the probe of a stuck SKU. */
  Duration lockWait() {
    return probing.get() != null ? config.probeLockWait() : config.lockWait();
  }

  /**
   * A reservation of {@code sku} timed out waiting for its row lock: something else holds the row (a long
   * transaction, a manual lock). For {@code stuck-for}, orders for it are refused at once instead of each taking a
   * connection to wait for the same lock; then a single order tries it again.
   */
  void markStuck(String sku) {
    if (config.enabled()) {
      stuckUntil.put(sku, ticker.nanoTime() + config.stuckFor().toNanos());
    }
  }

  /** A reservation of {@code sku} went through: its row is free again. */
  void markFree(String sku) {
    if (!stuckUntil.isEmpty()) {
      stuckUntil.remove(sku);
    }
  }

  /**
   * Refuses an order naming a SKU marked stuck. When the mark has expired, this order is let through as the one probe
   * (true) and everyone else is refused meanwhile; the probe waits only {@code probe-lock-wait} for the row, and its
   * outcome marks the SKU free or stuck again.
   */
  private boolean refuseIfStuck(Collection<String> skus) {
    if (stuckUntil.isEmpty()) {
      return false;
    }
    boolean probe = false;
    long now = ticker.nanoTime();
    for (String sku : skus) {
      Long until = stuckUntil.get(sku);
      if (until == null) {
        continue;
      }
      long probeWindow = now + config.lockWait().toNanos();
      if (now - until < 0 || !stuckUntil.replace(sku, until, probeWindow)) {
        stuckRejections.increment();
        throw busy(sku);
      }
      probe = true;
    }
    return probe;
  }

  /**
   * The SKU just sold out: every order waiting for its turn is let go at once (it then sees the sold-out marker and
   * is refused without a transaction) instead of waiting for a turn only to be refused. Later orders queue on a
   * fresh set of turns.
   */
  void releaseWaiters(String sku) {
    Semaphore waitedOn = inFlight.remove(sku);
    if (waitedOn != null) {
      waitedOn.release(Integer.MAX_VALUE / 2);
    }
  }

  private ApiException refused(String sku, List<Semaphore> held) {
    held.forEach(Semaphore::release);
    rejections.increment();
    return busy(sku);
  }

  private ApiException busy(String sku) {
    return new ApiException(Problem.of(503, "sku-busy", "Too many orders for this item right now",
        "Orders for " + sku + " are queued beyond capacity; retry shortly with the same Idempotency-Key.")
        .with("skus", List.of(sku.split(","))), config.retryAfter());
  }
}
