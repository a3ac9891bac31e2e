/**
 * Per-customer rate limits counted in Redis, with a local fallback when Redis cannot answer in time. May import:
 * problem, http and redis.
 */
package shop.orders.ratelimit;
