package shop.orders.catalog;

import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Problems about SKUs and stock, shared by everything that sells from the catalog. */
public final class CatalogProblems {
  private CatalogProblems() {
  }

  /** 422: the request names SKUs that are not in the catalog; nothing was reserved. */
  public static ApiException unknownSkus(List<String> skus) {
    return new ApiException(Problem.of(422, "unknown-sku", "Unknown SKU",
            "Not in the catalog: " + String.join(", ", skus) + ".")
        .withErrors(skus.stream().map(s -> new Problem.FieldError("sku", s + " does not exist")).toList())
        .with("skus", skus));
  }

  /**
   * 409: not enough stock for these SKUs, each with the units still available of it (fewer than asked; 0: sold out);
   * nothing was reserved.
   */
  public static ApiException outOfStock(SortedMap<String, Integer> availableBySku) {
    var skus = List.copyOf(availableBySku.keySet());
    var shortages = availableBySku.entrySet().stream()
        .map(e -> new Problem.Shortage(e.getKey(), Math.max(0, e.getValue()))).toList();
    return new ApiException(Problem.of(409, "out-of-stock", "Not enough stock",
            "Not enough stock left for: " + shortages.stream().map(s -> s.sku() + " (" + s.available() + " left)")
                .collect(Collectors.joining(", ")) + ". Nothing was reserved.")
        .with("skus", skus).with("shortages", shortages));
  }

  /** 409 out-of-stock for SKUs known to have nothing left (the sold-out markers); nothing was reserved. */
  public static ApiException soldOut(List<String> skus) {
    var none = new TreeMap<String, Integer>();
    skus.forEach(sku -> none.put(sku, 0));
    return outOfStock(none);
  }

  /** 409: removing {@code -delta} units would take the stock below zero; nothing changed. */
  static ApiException stockWouldGoNegative(String sku, int available, int delta) {
    return new ApiException(Problem.of(409, "stock-would-go-negative", "Not enough stock to remove",
            "Product " + sku + " has " + available + " units not held by orders; removing " + -delta
                + " would go below zero. Nothing changed.")
        .with("sku", sku).with("available", available));
  }

  /** 409: adding {@code delta} units would take the stock above the most a product may have; nothing changed. */
  static ApiException stockAboveMaximum(String sku, int available, int delta, int maximum) {
    return new ApiException(Problem.of(409, "stock-above-maximum", "Too much stock",
            "Product " + sku + " has " + available + " units available; adding " + delta + " would go above "
                + maximum + ". Nothing changed.")
        .with("sku", sku).with("available", available));
  }

  /**
   * Replacing an existing product needs the tag it was read with: 428 without {@code If-Match}, 412 when the product
   * changed since; both carry the current tag in {@code ETag}. {@code *} matches any current state.
   */
  static void requireCurrent(String currentTag, String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw new Precondition(Problem.of(428, "precondition-required", "Precondition required",
          "Replacing an existing product needs If-Match with the ETag it was read with (GET /api/products/{sku}); "
              + "to change stock alone, POST /api/products/{sku}/stock-adjustments."), currentTag);
    }
    boolean matches = ifMatch.strip().equals("*")
        || java.util.Arrays.stream(ifMatch.split(",")).map(String::strip).anyMatch(currentTag::equals);
    if (!matches) {
      throw new Precondition(Problem.of(412, "precondition-failed", "Product changed",
          "The product changed since it was read (an order took or gave back stock, or another change was saved); "
              + "read it again and decide anew. Nothing changed."), currentTag);
    }
  }

  /** A failed precondition, answered with the product's current ETag. */
  static final class Precondition extends ApiException {
    private final String currentTag;

    Precondition(Problem problem, String currentTag) {
      super(problem);
      this.currentTag = currentTag;
    }

    @Override
    public jakarta.ws.rs.core.Response toResponse() {
      return problem().toResponseBuilder().header("ETag", currentTag).build();
    }
  }
}
