package shop.orders.tools.precheck;

/** The command line is wrong, or a file it names cannot be read: exit 2 with the usage. */
final class UsageError extends Exception {
  UsageError(String message) {
    super(message);
  }
}
