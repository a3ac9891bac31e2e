/**
 * Observability: common metric tags, the connection pool's metrics, the log context every line carries. Imports
 * nothing of the service.
 */
package shop.orders.ops;
