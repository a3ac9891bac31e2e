/**
 * The order: its state machine ({@code Order}), placing, cancelling and expiring orders, and the API other
 * capabilities use to change one ({@code OrderPayments} for payment; {@code PaidOrderRefunds} is the interface order
 * owns and payment implements). Nobody else changes an {@code Order}. May import: catalog and the shared packages.
 */
package shop.orders.order;
