/**
 * Carts kept in Redis and their checkout into an order. May import: order (to place one), catalog (to price lines)
 * and the shared packages.
 */
package shop.orders.cart;
