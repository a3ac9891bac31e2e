package shop.orders.ops;

import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A request's place at the door. A request that must wait for something that holds no connection (its turn on a
 * hot SKU) lends its place back meanwhile, so waiting buyers of one SKU cannot keep orders for other SKUs out, and
 * takes a place again before it goes to the database.
 */
public final class AdmissionTicket {
  private static final String KEY = AdmissionTicket.class.getName();

  private final BooleanSupplier take;
  private final Runnable give;
  private final AtomicBoolean held = new AtomicBoolean(true);

  AdmissionTicket(BooleanSupplier take, Runnable give) {
    this.take = take;
    this.give = give;
  }

  /** The ticket of the request being handled, or null when admission control did not count it. */
  public static AdmissionTicket of(RoutingContext rc) {
    return rc == null ? null : rc.get(KEY);
  }

  void attachTo(RoutingContext rc) {
    rc.put(KEY, this);
    rc.addEndHandler(done -> lend());
  }

  /** Gives the place back while the request waits without a connection. */
  public void lend() {
    if (held.compareAndSet(true, false)) {
      give.run();
    }
  }

  /**
   * Takes a place again, waiting up to {@code maxWait} (blocking: call from a worker thread); false when the door
   * stayed full, and the request must then be refused.
   */
  public boolean reclaim(Duration maxWait) {
    if (held.get()) {
      return true;
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    do {
      if (take.getAsBoolean()) {
        held.set(true);
        return true;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } while (System.nanoTime() < deadline);
    return false;
  }
}
