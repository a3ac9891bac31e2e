package shop.orders.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import shop.orders.admission.AdmissionControl;
import shop.orders.admission.AdmissionTicket;
import shop.orders.catalog.CatalogProblems;
import shop.orders.catalog.HotSkuGate;
import shop.orders.catalog.SoldOutMarkers;
import shop.orders.http.Blocking;
import shop.orders.problem.ApiException;
import shop.orders.ratelimit.RateLimited;
import shop.orders.ratelimit.RateLimiter;
import shop.orders.time.Ticker;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * The door in front of the order transaction, deliberately not transactional: orders for SKUs known to be sold out
 * are refused with 409 without a connection, as are orders for a SKU whose queue is full (503), then the customer's
 * rate limit applies (it guards the transaction path; a refusal is cheaper than a rate-limit call) and, in the same
 * Redis call, the key is noted as one that may place an order (RecentOrderKeys), and a hot SKU gets only a few
 * transactions at a time.
 */
@ApplicationScoped
public class OrderIntake {
  private final OrderService orders;
  private final SoldOutMarkers soldOut;
  private final HotSkuGate gate;
  private final RecentOrderKeys recentKeys;
  private final Counter transactions;
  private final MeterRegistry registry;
  private final AdmissionControl admission;
  private final CurrentVertxRequest currentRequest;
  private final RateLimiter rateLimits;

  private final Ticker ticker;

  OrderIntake(OrderService orders, SoldOutMarkers soldOut, HotSkuGate gate, RecentOrderKeys recentKeys,
              MeterRegistry registry, AdmissionControl admission, CurrentVertxRequest currentRequest,
              RateLimiter rateLimits, Ticker ticker) {
    this.ticker = ticker;
    this.admission = admission;
    this.rateLimits = rateLimits;
    this.currentRequest = currentRequest;
    this.orders = orders;
    this.soldOut = soldOut;
    this.gate = gate;
    this.recentKeys = recentKeys;
    this.registry = registry;
    this.transactions = Counter.builder("orders.place.transactions")
        .description("Order requests that reached a database transaction")
        .register(registry);
  }

  /**
   * Refuses on the I/O thread what is known to be sold out; everything else waits for its turn on the SKUs and then
   * runs its transaction on a worker. An order whose SKU sold out while it waited gives its turn back and is
   * decided like a new arrival, so no turn is ever held across a Redis call.
   */
  public Uni<OrderService.Placed> place(String customerId, String idempotencyKey, OrderRequest request) {
    Set<String> skus = request.lines().stream().map(OrderRequest.LineRequest::sku).collect(Collectors.toSet());
    Executor backOnEventLoop = Blocking.eventLoopOfThisRequest();
    RoutingContext http = currentRequest.getCurrent();
    AdmissionTicket ticket = AdmissionTicket.of(http);
    long arrivedNanos = ticker.nanoTime();
    return placeGuarded(customerId, idempotencyKey, request, skus, ticket, http, backOnEventLoop, arrivedNanos)
        .onItemOrFailure().invoke((placed, failure) -> count(placed, failure));
  }

  /** orders_placed_total{outcome}: created, replayed, or the problem type that refused the order. */
  private void count(OrderService.Placed placed, Throwable failure) {
    String outcome = placed != null ? (placed.replayed() ? "replayed" : "created")
        : failure instanceof ApiException api ? api.problem().type().substring(api.problem().type().lastIndexOf('/') + 1)
        : "error";
    registry.counter("orders.placed", "outcome", outcome).increment();
  }

  /**
   * While an order waits for its turn on a hot SKU it holds no connection, so it lends its place at the door to
   * orders for other SKUs; it takes a place again once it knows it will need the database (see {@link #reclaim}).
   */
  private static HotSkuGate.Waiting lendingPlace(AdmissionTicket ticket) {
    return ticket == null ? HotSkuGate.Waiting.NONE : ticket::lend;
  }

  private void reclaim(AdmissionTicket ticket) {
    if (ticket != null && ticket.isLent() && !ticket.reclaim(admission.maxWait())) {
      throw admission.overloaded();
    }
  }

  private Uni<OrderService.Placed> placeGuarded(String customerId, String idempotencyKey, OrderRequest request,
                                                Set<String> skus, AdmissionTicket ticket, RoutingContext http,
                                                Executor backOnEventLoop, long arrivedNanos) {
    RecentOrderKeys.Placing placing = recentKeys.placing(customerId, idempotencyKey);
    return refuseIfSoldOut(customerId, idempotencyKey, skus, ticket, null)
        .invoke(() -> gate.refuseIfQueueFull(skus))
        .chain(() -> rateLimits.enforce(RateLimited.ORDERS, customerId, http, placing.mark()))
        .chain(() -> Blocking.onWorker(
            () -> placeInTurn(customerId, idempotencyKey, request, skus, ticket, arrivedNanos), backOnEventLoop))
        .chain(placed -> placed.isPresent()
            ? Uni.createFrom().item(placed.get())
            : refuseIfSoldOut(customerId, idempotencyKey, skus, ticket, placing)
                .chain(() -> Blocking.onWorker(
                    () -> placeThroughGate(customerId, idempotencyKey, request, skus, ticket), backOnEventLoop)));
  }

  /** Empty when the SKU sold out while this order waited for its turn. */
  private Optional<OrderService.Placed> placeInTurn(String customerId, String idempotencyKey, OrderRequest request,
                                                    Set<String> skus, AdmissionTicket ticket, long arrivedNanos) {
    try (var pass = gate.enter(skus, lendingPlace(ticket))) {
      if (soldOut.markedSince(skus, arrivedNanos)) {
        return Optional.empty();
      }
      reclaim(ticket);
      return Optional.of(placeNow(customerId, idempotencyKey, request));
    }
  }

  /** For a possible replay of a sold-out SKU's order (or Redis could not tell): the database decides, in turn. */
  private OrderService.Placed placeThroughGate(String customerId, String idempotencyKey, OrderRequest request,
                                               Set<String> skus, AdmissionTicket ticket) {
    try (var pass = gate.enter(skus, lendingPlace(ticket))) {
      reclaim(ticket);
      return placeNow(customerId, idempotencyKey, request);
    }
  }

  private OrderService.Placed placeNow(String customerId, String idempotencyKey, OrderRequest request) {
    transactions.increment();
    return orders.place(customerId, idempotencyKey, request);
  }

  /** {@code placing}: this request's key, once noted (then a key it noted first needs no Redis lookup). */
  private Uni<Void> refuseIfSoldOut(String customerId, String idempotencyKey, Set<String> skus,
                                    AdmissionTicket ticket, RecentOrderKeys.Placing placing) {
    var soldOutSkus = soldOut.soldOutAmong(skus);
    if (soldOutSkus.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    if (placing != null && placing.isFirst()) {
      soldOut.countShortCircuit();
      return Uni.createFrom().failure(CatalogProblems.soldOut(soldOutSkus));
    }
    // Most of these end as a 409 without a connection: no door place while Redis is asked (reclaimed if not).
    if (ticket != null) {
      ticket.lend();
    }
    // A retry of an order that went through must get its first answer back, not "sold out".
    return recentKeys.mayHavePlacedAnOrder(customerId, idempotencyKey).invoke(mayHave -> {
      if (!mayHave) {
        soldOut.countShortCircuit();
        throw CatalogProblems.soldOut(soldOutSkus);
      }
    }).replaceWithVoid();
  }
}
