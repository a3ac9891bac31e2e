package shop.orders.order;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import shop.orders.catalog.CatalogService;
import shop.orders.catalog.Offer;
import shop.orders.db.AfterCommit;
import shop.orders.db.Jdbc;
import shop.orders.db.RoundTrip;
import shop.orders.idempotency.IdempotencyKeys.StoredResponse;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.money.Money;
import shop.orders.ops.LogContext;
import shop.orders.problem.ApiException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Owns the order transactions: each is a few statements and calls nothing remote. */
@ApplicationScoped
public class OrderService {
  /** The latest creation time an orders cursor may name (PostgreSQL's timestamptz ends in the year 294276). */
  private static final Logger LOG = Logger.getLogger(OrderService.class);
  static final String PLACE_OPERATION = "POST /api/orders";

  /** What {@code POST /api/orders} answers: the stored response, first given or replayed. */
  public record Placed(StoredResponse response, boolean replayed) {}

  private final CatalogService catalog;
  private final IdempotencyKeys idempotency;
  private final OrderConfig config;
  private final OrderEventOutbox outbox;
  private final Jdbc jdbc;
  private final AfterCommit afterCommit;
  private final RecentOrderChanges changes;
  private final InstantSource clock;

  OrderService(CatalogService catalog, IdempotencyKeys idempotency, OrderConfig config, OrderEventOutbox outbox,
               Jdbc jdbc, AfterCommit afterCommit, RecentOrderChanges changes, InstantSource clock) {
    this.clock = clock;
    this.changes = changes;
    this.jdbc = jdbc;
    this.afterCommit = afterCommit;
    this.catalog = catalog;
    this.idempotency = idempotency;
    this.config = config;
    this.outbox = outbox;
  }

  /**
   * Places an order in one short transaction of three round trips: claim the idempotency key and price the lines;
   * write order, lines and key and reserve the first line's stock last; commit (other lines of a multi-line order, a
   * purchase limit's check, take one more each). The stock rows stay locked from their update to the commit, one
   * round trip. Short stock or an unknown SKU throws and everything, the key included, rolls back: a retry with the
   * same key is then evaluated afresh.
   */
  @Transactional
  public Placed place(String customerId, String idempotencyKey, OrderRequest request) {
    rejectDuplicateSkus(request);
    String fingerprint = IdempotencyKeys.fingerprint(PLACE_OPERATION, request.canonical());
    var quantities = new TreeMap<String, Integer>();
    request.lines().forEach(l -> quantities.put(l.sku(), l.quantity()));
    var claim = idempotency.claimPart(customerId, idempotencyKey, fingerprint);
    var offering = catalog.offersPart(quantities.keySet());
    jdbc.runInTransaction(c -> RoundTrip.send(c, List.of(claim, offering)));
    if (claim.result().isPresent()) {
      return new Placed(claim.result().get(), true);
    }
    Map<String, Offer> offers = catalog.requireAll(quantities.keySet(), offering.result());
    Map<String, Money> prices = new TreeMap<>();
    var limits = new TreeMap<String, Integer>();
    offers.forEach((sku, offer) -> {
      prices.put(sku, offer.price());
      if (offer.maxPerCustomer() != null) {
        limits.put(sku, offer.maxPerCustomer());
      }
    });

    List<OrderLine> lines = new ArrayList<>();
    request.lines().forEach(l -> lines.add(new OrderLine(l.sku(), l.quantity(), prices.get(l.sku()).amountMinor())));
    Order order = Order.openPending(customerId, lines, singleCurrency(prices), clock.instant(), config.paymentWindow());
    // the order as the API shows it, serialised once: the 201, the stored replay, the placed event
    String view = outbox.view(order);
    var response = new StoredResponse(201, view, "/api/orders/" + order.id);
    var reservation = catalog.reservation(quantities);
    jdbc.runInTransaction(c -> {
      if (!limits.isEmpty()) {
        PurchaseLimits.enforce(c, customerId, quantities, limits);
      }
      RoundTrip.send(c, List.of(OrderRows.insertPart(order, view),
          idempotency.recordPart(customerId, idempotencyKey, fingerprint, response), reservation.firstPart()));
    });
    reservation.finish();
    afterCommit.run(() -> {
      changes.changed(customerId);
      try (var about = LogContext.order(order.id)) {
        LOG.infof("Order placed: %d lines, total %s %d", lines.size(), order.currency, order.totalMinor);
      }
    });
    return new Placed(response, false);
  }

  /** The order when the caller owns it or is an admin; empty otherwise, so ids of others never show. */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<OrderView> find(UUID id, String customerId, boolean admin) {
    return Order.<Order>findByIdOptional(id)
        .filter(o -> admin || o.customerId.equals(customerId))
        .map(OrderView::of);
  }

  /** Cancels an order awaiting payment and gives its stock back; a second cancel changes nothing. */
  @Transactional
  public Optional<OrderView> cancel(UUID id, String customerId, boolean admin) {
    Optional<Order> found = Order.<Order>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
        .filter(o -> admin || o.customerId.equals(customerId));
    found.ifPresent(order -> {
      if (order.cancel(clock.instant())) {
        outbox.write(order);
        catalog.releaseAll(order.quantitiesBySku());
        try (var about = LogContext.order(order.id)) {
          LOG.infof("Order cancelled by %s; stock released", admin ? "an operator" : "its customer");
        }
      }
    });
    return found.map(OrderView::of);
  }

  /** The gateway refunded this paid order: it becomes REFUNDED and gives its stock back. Caller's transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void refunded(UUID orderId) {
    Order order = Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE);
    order.markRefunded(clock.instant());
    outbox.write(order);
    catalog.releaseAll(order.quantitiesBySku());
    try (var about = LogContext.order(orderId)) {
      LOG.info("Order refunded; stock released");
    }
  }

  /** Expires one batch of unpaid orders past their window and releases their stock; returns how many. */
  @Transactional
  public int expireBatch(Instant now, int limit) {
    return expire(jdbc.inTransaction(c -> OrderRows.lockExpired(c, now, limit)), now);
  }

  /** The orders due to expire at {@code now}, oldest first, up to {@code limit} (locked only until this returns). */
  @Transactional
  public List<UUID> dueToExpire(Instant now, int limit) {
    return jdbc.inTransaction(c -> OrderRows.lockExpired(c, now, limit));
  }

  /** Expires this order if it is still due, in a transaction of its own; true when it expired. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean expireOne(UUID id, Instant now) {
    return expire(jdbc.inTransaction(c -> OrderRows.lockExpired(c, id, now)), now) == 1;
  }

  private int expire(List<UUID> ids, Instant now) {
    if (ids.isEmpty()) {
      return 0;
    }
    var released = new TreeMap<String, Integer>();
    List<Order> expired = Order.list("id in ?1", ids);
    for (Order order : expired) {
      order.expire(now);
      try (var about = LogContext.order(order.id)) {
        LOG.info("Order expired unpaid; stock released");
      }
      order.quantitiesBySku().forEach((sku, q) -> released.merge(sku, q, Integer::sum));
    }
    outbox.write(expired);
    catalog.releaseAll(released);
    return ids.size();
  }

  private static void rejectDuplicateSkus(OrderRequest request) {
    var seen = new HashSet<String>();
    for (int i = 0; i < request.lines().size(); i++) {
      if (!seen.add(request.lines().get(i).sku())) {
        throw ApiException.badRequest("lines[" + i + "].sku", "repeats a SKU of an earlier line; put it on one line");
      }
    }
  }

  private static String singleCurrency(Map<String, Money> prices) {
    var currencies = prices.values().stream().map(Money::currency).distinct().toList();
    if (currencies.size() != 1) {
      throw OrderProblems.mixedCurrency(currencies);
    }
    return currencies.getFirst();
  }
}
