/**
 * HTTP concerns shared by every resource: mapping failures to problem+json, the request body limit, request ids,
 * keyset pages and cursors, ids from paths, and running blocking work off the event loop. May import: problem, db
 * (to map a busy database) and ops (log context).
 */
package shop.orders.http;
