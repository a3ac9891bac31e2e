package shop.orders.payment;

/** The gateway answered 5xx or could not be reached: retrying with the same payment id cannot charge twice. */
class GatewayServerError extends RuntimeException {
  GatewayServerError(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
