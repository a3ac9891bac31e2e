package shop.orders.order;

import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The order's refusals: each problem type the order answers with, built in one place (as catalog.CatalogProblems). */
final class OrderProblems {
  private OrderProblems() {
  }

  /** 409: the order is not in the status the action needs. */
  static ApiException stateConflict(UUID id, OrderStatus status, String action) {
    return new ApiException(Problem.of(409, "order-state-conflict", "Order state conflict",
        "Order " + id + " is " + status + " and cannot be " + action + ".").with("orderStatus", status));
  }

  /** 409: a cancel while a payment's outcome is not known. */
  static ApiException paymentInProgressCannotCancel(UUID id) {
    return new ApiException(Problem.of(409, "payment-in-progress", "Payment in progress",
        "Order " + id + " has a payment whose outcome is not known yet; it cannot be cancelled until it is."));
  }

  /** 409: a second payment while one's outcome is not known. */
  static ApiException paymentInProgress(UUID id) {
    return new ApiException(Problem.of(409, "payment-in-progress", "Payment in progress",
        "Order " + id + " has a payment whose outcome is not known yet; see GET /api/orders/" + id + "/payment."));
  }

  /** 409: a second refund while one's outcome is not known. */
  static ApiException refundInProgress(UUID id) {
    return new ApiException(Problem.of(409, "refund-in-progress", "Refund in progress",
        "Order " + id + " has a refund whose outcome is not known yet; see GET /api/orders/" + id + "."));
  }

  /** 409: a payment after the order's payment window closed. */
  static ApiException paymentWindowClosed(UUID id, Instant expiresAt) {
    return new ApiException(Problem.of(409, "payment-window-closed", "Payment window closed",
        "Order " + id + " was not paid by " + expiresAt + " and can no longer be paid; its stock is being released.")
        .with("expiresAt", expiresAt));
  }

  /** 422: the lines are priced in more than one currency. */
  static ApiException mixedCurrency(List<String> currencies) {
    return new ApiException(Problem.of(422, "mixed-currency", "Mixed currencies",
        "All lines of one order must be priced in one currency; these are in " + currencies + "."));
  }

  /** 409: the order would take a customer past a product's purchase limit; nothing was reserved. */
  static ApiException purchaseLimit(String sku, int limit, int held) {
    return new ApiException(Problem.of(409, "purchase-limit", "Purchase limit",
            "At most " + limit + " of " + sku + " per customer, counting orders awaiting payment and paid ones; you "
                + "hold " + held + ". Nothing was reserved.")
        .with("sku", sku).with("limit", limit).with("held", held));
  }
}
