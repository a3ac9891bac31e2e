package shop.orders.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The service's time sources, as beans; tests of the components that use them pass their own. */
@ApplicationScoped
public class Clocks {
  @Produces
  @ApplicationScoped
  Ticker ticker() {
    return System::nanoTime;
  }
}
