package shop.orders.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.InstantSource;

/** The service's time sources, as beans; unit tests of the components that use them pass their own. */
@ApplicationScoped
public class Clocks {
  @Produces
  @ApplicationScoped
  Ticker ticker() {
    return System::nanoTime;
  }

  /** Wall-clock instants: when an order was placed, a payment window ends, a charge was seen. */
  @Produces
  @ApplicationScoped
  InstantSource clock() {
    return InstantSource.system();
  }
}
