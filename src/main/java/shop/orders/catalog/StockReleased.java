package shop.orders.catalog;

import java.util.Set;

/** Stock of these SKUs went up (cancel, expiry, admin change); fired inside the transaction that did it. */
public record StockReleased(Set<String> skus) {
}
