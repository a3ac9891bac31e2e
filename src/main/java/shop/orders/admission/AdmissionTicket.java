package shop.orders.admission;

import io.vertx.ext.web.RoutingContext;
import shop.orders.time.Ticker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A request's place at the door. A request that must wait for something that holds no connection (its turn on a
 * hot SKU) lends its place back meanwhile, so waiting buyers of one SKU cannot keep orders for other SKUs out, and
 * takes a place again before it goes to the database. One state decides who gives the place back, so a client
 * that goes away at any moment cannot make the door lose or double-count a place.
 */
public final class AdmissionTicket {
  private static final String KEY = AdmissionTicket.class.getName();

  private enum State { HELD, LENT, ENDED }

  private final BooleanSupplier take;
  private final Runnable give;
  private final Ticker ticker;
  private final AtomicReference<State> state = new AtomicReference<>(State.HELD);

  AdmissionTicket(BooleanSupplier take, Runnable give, Ticker ticker) {
    this.take = take;
    this.give = give;
    this.ticker = ticker;
  }

  /** The ticket of the request being handled, or null when admission control did not count it. */
  public static AdmissionTicket of(RoutingContext rc) {
    return rc == null ? null : rc.get(KEY);
  }

  void attachTo(RoutingContext rc) {
    rc.put(KEY, this);
    rc.addEndHandler(done -> end());
  }

  /** The response went out or the connection closed: the place goes back if the request still held it. */
  private void end() {
    if (state.getAndSet(State.ENDED) == State.HELD) {
      give.run();
    }
  }

  /** Gives the place back while the request waits without a connection. */
  public void lend() {
    if (state.compareAndSet(State.HELD, State.LENT)) {
      give.run();
    }
  }

  /** Whether the place is lent and must be reclaimed before the database. */
  public boolean isLent() {
    return state.get() == State.LENT;
  }

  /**
   * Takes a place again, waiting up to {@code maxWait} (blocking: call from a worker thread); false when the door
   * stayed full or the request already ended, and the request must then be refused.
   */
  public boolean reclaim(Duration maxWait) {
    long deadline = ticker.nanoTime() + maxWait.toNanos();
    while (state.get() == State.LENT) {
      if (take.getAsBoolean()) {
        if (state.compareAndSet(State.LENT, State.HELD)) {
          return true;
        }
        give.run();   // the request ended meanwhile
        return false;
      }
      if (ticker.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return state.get() == State.HELD;
  }
}
