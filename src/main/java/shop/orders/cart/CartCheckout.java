package shop.orders.cart;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.http.Blocking;
import shop.orders.idempotency.IdempotencyKeys;
import shop.orders.order.OrderIntake;
import shop.orders.order.OrderRequest;
import shop.orders.order.OrderService;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.redis.RedisCalls;

import java.util.Map;

/**
 * Turns a cart into an order through the same door as {@code POST /api/orders} (sold-out short circuit, hot-SKU
 * cap, idempotency, one transaction). A retry with the same key is answered from that key's stored response even
 * after the cart was emptied, because the lines it checked out are remembered under the key.
 */
@ApplicationScoped
public class CartCheckout {
  private static final Logger LOG = Logger.getLogger(CartCheckout.class);

  private final CartStore carts;
  private final OrderIntake intake;
  private final RedisCalls calls;
  private final IdempotencyKeys keys;

  CartCheckout(CartStore carts, OrderIntake intake, RedisCalls calls, IdempotencyKeys keys) {
    this.carts = carts;
    this.keys = keys;
    this.intake = intake;
    this.calls = calls;
  }

  Uni<OrderService.Placed> checkout(String customerId, String idempotencyKey) {
    return carts.linesForCheckout(customerId, idempotencyKey).chain(lines -> {
      if (lines.isEmpty()) {
        return earlierResponse(customerId, idempotencyKey);
      }
      return intake.place(customerId, idempotencyKey, toOrder(lines))
          .call(placed -> placed.replayed() ? Uni.createFrom().voidItem()
              : carts.checkedOut(customerId, idempotencyKey, lines).onFailure().recoverWithItem(failure -> {
            // The order stands; the cart keeps its lines until the customer changes it.
            calls.countFallback("cart_checkout");
            LOG.warnf("Cart not emptied after checkout (Redis: %s)", failure.toString());
            return null;
          }));
    });
  }

  /**
   * An empty cart: a retry of a checkout whose lines Redis no longer remembers (evicted, lost) still gets its first
   * response from PostgreSQL; otherwise there is nothing to order.
   */
  private Uni<OrderService.Placed> earlierResponse(String customerId, String idempotencyKey) {
    return Blocking.onWorker(() -> keys.completed(customerId, idempotencyKey, CartCheckout::anOrderPlacements))
        .map(stored -> stored
        .map(response -> new OrderService.Placed(response, true))
        .orElseThrow(() -> new ApiException(Problem.of(422, "cart-empty", "Cart empty",
            "There is nothing in the cart to order."))));
  }

  /**
   * Whether a stored response is one placing an order gives: 201 with the order's Location, or a refusal with none.
   * A payment's answer (Location .../payment) under the same key is another operation's.
   */
  static boolean anOrderPlacements(IdempotencyKeys.StoredResponse response) {
    return response.location() == null || ORDER_LOCATION.matcher(response.location()).matches();
  }

  private static final java.util.regex.Pattern ORDER_LOCATION = java.util.regex.Pattern.compile("/api/orders/[^/]+");

  private static OrderRequest toOrder(Map<String, Integer> lines) {
    return new OrderRequest(lines.entrySet().stream()
        .map(line -> new OrderRequest.LineRequest(line.getKey(), line.getValue()))
        .toList());
  }
}
