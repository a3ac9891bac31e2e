package shop.orders.time;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.InstantSource;

/**
 * The service's time sources, as beans; unit tests of the components that use them pass their own. Singletons, not
 * application-scoped: the door, the product cache and the hot-SKU gate read the ticker on every request, and a
 * client proxy would stand in front of each call.
 */
@Singleton
public class Clocks {
  @Produces
  @Singleton
  Ticker ticker() {
    return System::nanoTime;
  }

  /** Wall-clock instants: when an order was placed, a payment window ends, a charge was seen. */
  @Produces
  @Singleton
  InstantSource clock() {
    return InstantSource.system();
  }
}
