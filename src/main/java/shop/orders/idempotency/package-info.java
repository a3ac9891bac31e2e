/**
 * Idempotency keys: a retried request with the same key and body gets the first answer again; kept at least 24 h and
 * purged after. May import: problem, http and db.
 */
package shop.orders.idempotency;
