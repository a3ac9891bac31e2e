package shop.orders.order;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import shop.orders.problem.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The order's state machine alone, no Quarkus boot, time given: PENDING_PAYMENT to PAID, CANCELLED or EXPIRED, PAID
 * to REFUNDED; one gateway request at a time; no payment past the window; refusals as problem types.
 */
class OrderStateMachineTests {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private static Order pending() {
    return Order.openPending("cust-1", List.of(new OrderLine("SKU-1", 2, 1_500), new OrderLine("SKU-2", 1, 700)),
        "KRW", T0, WINDOW);
  }

  private static String problemType(Runnable action) {
    try {
      action.run();
    } catch (ApiException e) {
      return e.problem().type().substring(e.problem().type().lastIndexOf('/') + 1);
    }
    throw new AssertionError("no problem raised");
  }

  @Test
  void aNewOrderTotalsItsLinesAndExpiresAfterItsWindow() {
    Order order = pending();
    assertThat(order.status).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(order.total().amountMinor()).isEqualTo(3_700);
    assertThat(order.expiresAt).isEqualTo(T0.plus(WINDOW));
    assertThat(order.quantitiesBySku()).containsExactly(java.util.Map.entry("SKU-1", 2), java.util.Map.entry("SKU-2", 1));
  }

  @Test
  void aPaymentLocksTheOrderUntilItEnds() {
    Order order = pending();
    order.beginPayment(T0.plusSeconds(60));
    assertThat(problemType(() -> order.beginPayment(T0.plusSeconds(61)))).isEqualTo("payment-in-progress");
    assertThat(problemType(() -> order.cancel(T0.plusSeconds(62)))).isEqualTo("payment-in-progress");
    assertThat(order.canTakeLateCharge()).isFalse();

    order.paymentFailed(T0.plusSeconds(70));
    assertThat(order.canTakeLateCharge()).isTrue();
    order.beginPayment(T0.plusSeconds(80));
    order.markPaid(T0.plusSeconds(81));
    assertThat(order.status).isEqualTo(OrderStatus.PAID);
    assertThat(order.paymentInProgress).isFalse();
    assertThat(problemType(() -> order.beginPayment(T0.plusSeconds(90)))).isEqualTo("order-state-conflict");
  }

  @Test
  void noPaymentStartsAtOrAfterTheEndOfTheWindow() {
    Order order = pending();
    assertThat(problemType(() -> order.beginPayment(T0.plus(WINDOW)))).isEqualTo("payment-window-closed");
    order.beginPayment(T0.plus(WINDOW).minusMillis(1));
    assertThat(order.paymentInProgress).isTrue();
  }

  @Test
  void aPaidOrderIsRefundedOnceThroughOneRefundAtATime() {
    Order order = pending();
    order.markPaid(T0);
    assertThat(order.cancel(T0)).as("a paid order is cancelled by refunding it").isFalse();
    order.beginRefund(T0.plusSeconds(1));
    assertThat(problemType(() -> order.beginRefund(T0.plusSeconds(2)))).isEqualTo("refund-in-progress");
    order.markRefunded(T0.plusSeconds(3));
    assertThat(order.status).isEqualTo(OrderStatus.REFUNDED);
    assertThat(order.cancel(T0.plusSeconds(4))).as("cancelling again changes nothing").isFalse();
  }

  @Test
  void anOrderExpiresOnlyOnceItsWindowHasPassed() {
    Order order = pending();
    assertThatThrownBy(() -> order.expire(T0.plus(WINDOW).minusSeconds(1))).isInstanceOf(IllegalStateException.class);
    order.expire(T0.plus(WINDOW));
    assertThat(order.status).isEqualTo(OrderStatus.EXPIRED);
    assertThat(problemType(() -> order.cancel(T0.plus(WINDOW)))).isEqualTo("order-state-conflict");
  }

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"CANCELLED", "EXPIRED", "REFUNDED"})
  void endedOrdersTakeNoPaymentAndNoLateCharge(OrderStatus ended) {
    Order order = pending();
    order.status = ended;
    assertThat(problemType(() -> order.beginPayment(T0))).isEqualTo("order-state-conflict");
    assertThat(order.canTakeLateCharge()).isFalse();
    assertThat(order.isAwaitingPayment()).isFalse();
  }
}
