/**
 * Database helpers: JDBC for hand-written statements (several aggregates' in one round trip), work after a commit,
 * and telling a busy or unreachable database (503, retry) from a failure of ours. May import: problem.
 */
package shop.orders.db;
