/**
 * Who is calling (the JWT subject and the admin group), what a token's subject may be, and the startup check that
 * refuses development secrets outside local profiles. Imports nothing of the service.
 */
package shop.orders.security;
