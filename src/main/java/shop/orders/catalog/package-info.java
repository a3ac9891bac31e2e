/**
 * Products, their stock and prices: the catalog API, the product cache, sold-out markers and the hot-SKU gate that
 * keeps a sale's hottest product from taking the whole connection pool. Knows nothing of orders, carts or payments.
 * May import: the shared packages (problem, http, db, redis, idempotency, admission, security, time, money, ops).
 */
package shop.orders.catalog;
