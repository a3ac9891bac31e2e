package shop.orders.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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

  /**
   * Refuses on the I/O thread what is known to be sold out; everything else waits for its turn on the SKUs and then
   * runs its transaction on a worker.
   */
  public Uni<OrderService.Placed> place(String customerId, String idempotencyKey, OrderRequest request) {
    Set<String> skus = request.lines().stream().map(OrderRequest.LineRequest::sku).collect(Collectors.toSet());
    return refuseIfSoldOut(customerId, idempotencyKey, skus)
        .chain(() -> Uni.createFrom().item(() -> placeInTurn(customerId, idempotencyKey, request, skus))
            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
  }

  private OrderService.Placed placeInTurn(String customerId, String idempotencyKey, OrderRequest request,
                                          Set<String> skus) {
    try (var pass = gate.enter(skus)) {
      // while this order waited for its turn, the ones ahead of it may have sold the last unit
      refuseIfSoldOut(customerId, idempotencyKey, skus).await().indefinitely();
      transactions.increment();
      var placed = orders.place(customerId, idempotencyKey, request);
      if (!placed.replayed()) {
        recentKeys.remember(customerId, idempotencyKey);
      }
      return placed;
    }
  }

  private Uni<Void> refuseIfSoldOut(String customerId, String idempotencyKey, Set<String> skus) {
    var soldOutSkus = soldOut.soldOutAmong(skus);
    if (soldOutSkus.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    // A retry of an order that went through must get its first answer back, not "sold out".
    return recentKeys.mayHavePlacedAnOrder(customerId, idempotencyKey).invoke(mayHave -> {
      if (!mayHave) {
        soldOut.countShortCircuit();
        throw CatalogProblems.outOfStock(soldOutSkus);
      }
    }).replaceWithVoid();
  }
}
