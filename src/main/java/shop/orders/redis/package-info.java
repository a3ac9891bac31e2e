/**
 * Every Redis call goes through here: deadlines, the breaker, metrics of failures and fallbacks, channels, keys under
 * the configured prefix, and Redis' health. May import: problem and http.
 */
package shop.orders.redis;
