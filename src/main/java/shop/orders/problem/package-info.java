/**
 * RFC 9457 problem details and the exception that carries one: the error vocabulary every package answers with.
 * Imports nothing of the service.
 */
package shop.orders.problem;
