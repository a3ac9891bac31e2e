package shop.orders.catalog;

/** An operator changed a product; every cache of it must be dropped once the change commits. */
public record ProductChanged(String sku) {}
