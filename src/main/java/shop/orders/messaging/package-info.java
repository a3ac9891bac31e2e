/**
 * Messages to the shop's other systems through RabbitMQ: a connection opened when needed, a durable topic exchange,
 * publishing with publisher confirms. The broker accelerates nobody's order: a failure here is reported to the caller
 * (who keeps its messages) and never reaches a request. May import: nothing.
 */
package shop.orders.messaging;
