package shop.orders.catalog;

import shop.orders.common.ApiException;
import shop.orders.common.Problem;

import java.util.List;

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

  /** 409: not enough stock for these SKUs; nothing was reserved. */
  public static ApiException outOfStock(List<String> skus) {
    return new ApiException(Problem.of(409, "out-of-stock", "Not enough stock",
            "Not enough stock left for: " + String.join(", ", skus) + ". Nothing was reserved.")
        .with("skus", skus));
  }
}
