package shop.orders.admission;

/**
 * Which places at the door a request takes; a resource method declares its own with {@link Admitted}. The names are
 * the {@code route} tag of {@code admission.rejected} (lower case), which alerts and the dashboard select on.
 */
public enum Route {
  /**
   * A read that needs a connection: reads share the places of orders, at most {@code admission.max-reads} of them, so
   * browsing cannot starve order writes. A payment's state is one: it must not use the reserve of the POSTs that move
   * money.
   */
  READ,
  /** A write that needs a connection and moves no money (placing an order, an operator's product change). */
  ORDER_WRITE,
  /**
   * What moves money (a payment, a cancel that may refund, the gateway's webhook): it uses the reserve
   * ({@code admission.reserve-for-payments}) and is never refused at the door; the gateway client's bulkhead bounds it.
   */
  PRIORITY,
  /**
   * Not the door's business: served from memory or Redis (a single product, the cart), whose rare database loads the
   * catalog cache bounds ({@code catalog.cache.max-loads}): a read that needs no connection must not take, or be
   * refused, a place kept for work that does. A request that matches no resource method is OTHER too: it gets its
   * 404 or 405 without a place.
   */
  OTHER
}
