package shop.orders.cart;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import shop.orders.common.ApiException;
import shop.orders.common.Problem;
import shop.orders.common.RedisCalls;
import shop.orders.order.OrderIntake;
import shop.orders.order.OrderRequest;
import shop.orders.order.OrderService;

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

  CartCheckout(CartStore carts, OrderIntake intake, RedisCalls calls) {
    this.carts = carts;
    this.intake = intake;
    this.calls = calls;
  }

  Uni<OrderService.Placed> checkout(String customerId, String idempotencyKey) {
    return carts.linesForCheckout(customerId, idempotencyKey).chain(lines -> {
      if (lines.isEmpty()) {
        throw new ApiException(Problem.of(422, "cart-empty", "Cart empty", "There is nothing in the cart to order."));
      }
      return intake.place(customerId, idempotencyKey, toOrder(lines))
          .call(placed -> carts.checkedOut(customerId, idempotencyKey, lines).onFailure().recoverWithItem(failure -> {
            // The order stands; the cart keeps its lines until the customer changes it.
            calls.countFallback("cart_checkout");
            LOG.warnf("Cart not emptied after checkout (Redis: %s)", failure.toString());
            return null;
          }));
    });
  }

  private static OrderRequest toOrder(Map<String, Integer> lines) {
    return new OrderRequest(lines.entrySet().stream()
        .map(line -> new OrderRequest.LineRequest(line.getKey(), line.getValue()))
        .toList());
  }
}
