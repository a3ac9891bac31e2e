package shop.orders.catalog;

/** What a SKU may be, wherever one is named (path or body); the message says it to the client. */
public final class Sku {
  public static final String PATTERN = "[A-Za-z0-9._-]{1,64}";
  public static final String MESSAGE = "must be 1 to 64 of A-Z a-z 0-9 . _ -";

  private Sku() {
  }
}
