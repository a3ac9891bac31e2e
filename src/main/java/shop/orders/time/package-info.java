/**
 * The service's time sources as injectable beans ({@link shop.orders.time.Ticker} for elapsed time, an
 * {@code InstantSource} for instants), so tests drive time instead of sleeping. Imports nothing of the service.
 */
package shop.orders.time;
