package shop.orders.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.catalog.CatalogProblems;
import shop.orders.catalog.HotSkuGate;
import shop.orders.catalog.SoldOutMarkers;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The door in front of the order transaction, deliberately not transactional: orders for SKUs known to be sold out
 * are refused with 409 without a connection, and a hot SKU gets only a few transactions at a time.
 */
@ApplicationScoped
public class OrderIntake {
  private final OrderService orders;
  private final SoldOutMarkers soldOut;
  private final HotSkuGate gate;
  private final RecentOrderKeys recentKeys;
  private final Counter transactions;

  OrderIntake(OrderService orders, SoldOutMarkers soldOut, HotSkuGate gate, RecentOrderKeys recentKeys,
              MeterRegistry registry) {
    this.orders = orders;
    this.soldOut = soldOut;
    this.gate = gate;
    this.recentKeys = recentKeys;
    this.transactions = Counter.builder("orders.place.transactions")
        .description("Order requests that reached a database transaction")
        .register(registry);
  }

  public OrderService.Placed place(String customerId, String idempotencyKey, OrderRequest request) {
    Set<String> skus = request.lines().stream().map(OrderRequest.LineRequest::sku).collect(Collectors.toSet());
    refuseIfSoldOut(customerId, idempotencyKey, skus);
    try (var pass = gate.enter(skus)) {
      // while this order waited for its turn, the ones ahead of it may have sold the last unit
      refuseIfSoldOut(customerId, idempotencyKey, skus);
      transactions.increment();
      var placed = orders.place(customerId, idempotencyKey, request);
      if (!placed.replayed()) {
        recentKeys.remember(customerId, idempotencyKey);
      }
      return placed;
    }
  }

  private void refuseIfSoldOut(String customerId, String idempotencyKey, Set<String> skus) {
    var soldOutSkus = soldOut.soldOutAmong(skus);
    if (soldOutSkus.isEmpty()) {
      return;
    }
    // A retry of an order that went through must get its first answer back, not "sold out".
    if (recentKeys.placedAnOrder(customerId, idempotencyKey).orElse(true)) {
      return;
    }
    soldOut.countShortCircuit();
    throw CatalogProblems.outOfStock(soldOutSkus);
  }
}
