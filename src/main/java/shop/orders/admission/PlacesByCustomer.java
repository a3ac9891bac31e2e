package shop.orders.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many places at the door each customer holds at once, at most {@code max}: one account cannot take the places
 * every other buyer on the pod needs (16 idle connections of one token used to make every order answer 503). A
 * customer holding none has no entry, so the map holds only the customers with a request in flight.
 */
final class PlacesByCustomer {
  private final int max;
  private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

  PlacesByCustomer(int max) {
    this.max = max;
  }

  /** Takes one of the customer's places; false when it holds {@code max} already. */
  boolean take(String customer) {
    boolean[] taken = {false};
    held.compute(customer, (c, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  void give(String customer) {
    held.computeIfPresent(customer, (c, n) -> n <= 1 ? null : n - 1);
  }

  int heldBy(String customer) {
    return held.getOrDefault(customer, 0);
  }

  int customers() {
    return held.size();
  }
}
