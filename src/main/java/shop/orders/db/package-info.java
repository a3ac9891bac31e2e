/**
 * Database helpers: JDBC for hand-written statements (several aggregates' in one round trip), work after a commit,
 * and telling a busy or unreachable database (503, retry) from a failure of ours, and reads routed to a read
 * replica while it is fresh enough. May import: problem and time.
 */
package shop.orders.db;
