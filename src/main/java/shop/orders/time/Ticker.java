package shop.orders.time;

/**
 * Monotonic time in nanoseconds (System.nanoTime() in the service, see {@link Clocks}), injected into the components
 * whose logic depends on elapsed time, so their unit tests move time themselves instead of sleeping against real
 * timers.
 */
@FunctionalInterface
public interface Ticker {
  long nanoTime();
}
