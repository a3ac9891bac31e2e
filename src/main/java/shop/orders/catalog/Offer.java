package shop.orders.catalog;

import shop.orders.money.Money;

/** What an order needs of a product: its price, and how many units one customer may hold (null: no limit). */
public record Offer(Money price, Integer maxPerCustomer) {}
