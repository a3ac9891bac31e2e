/**
 * Payments and refunds: the gateway client (its fault tolerance lives here), the webhook, reconciliation and the
 * charge sweep. Changes an order only through {@code order.OrderPayments}. May import: order and the shared packages.
 */
package shop.orders.payment;
