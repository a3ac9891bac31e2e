package shop.orders.tools.precheck;

/** An input a check needs is missing or malformed: that check FAILs with the message (the event is not proven). */
final class Unusable extends Exception {
  Unusable(String message) {
    super(message);
  }
}
