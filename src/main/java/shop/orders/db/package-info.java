/**
 * Database helpers: JDBC for hand-written statements (several aggregates' in one round trip), work after a commit,
 * telling a busy or unreachable database (503, retry) from a failure of ours, and reads routed to a read replica
 * while it is fresh enough. May import: problem and time.
 * <p>
 * How code reaches SQL, one way for each kind of work (SqlAccessTests and PackageDependencyTests hold it):
 * <table>
 *   <caption>SQL access</caption>
 *   <tr><th>work</th><th>through</th><th>where the SQL is</th></tr>
 *   <tr><td>read or write one aggregate, plainly</td><td>its entity (Panache), in the capability's service's
 *   transaction</td><td>none written: Hibernate's</td></tr>
 *   <tr><td>a statement now, on the transaction's connection (atomic stock updates, batch inserts, leases, advisory
 *   locks)</td><td>{@link shop.orders.db.Jdbc#inTransaction} ({@code runInTransaction} when it returns nothing;
 *   {@code inNewTransaction} for jobs)</td><td>the aggregate's package-private {@code *Rows} class, a constant
 *   with bound values</td></tr>
 *   <tr><td>statements of several aggregates in one round trip</td><td>a deferred part,
 *   {@link shop.orders.db.RoundTrip.Part}, sent with others by {@link shop.orders.db.RoundTrip#send}</td><td>the
 *   {@code *Rows} class, in a method whose name ends in {@code Part} ({@code reservePart}, {@code claimPart}): a
 *   method that returns a part runs nothing until it is sent</td></tr>
 *   <tr><td>a read that may be a moment stale (catalog pages, order history)</td><td>{@link
 *   shop.orders.db.ReadReplica#read}, outside any transaction</td><td>the {@code *Rows} class</td></tr>
 * </table>
 */
package shop.orders.db;
