/**
 * Per-customer rate limits counted in Redis, with a local fallback when Redis cannot answer in time. May import:
 * problem, http, redis and security (whose token names the customer).
 */
package shop.orders.ratelimit;
