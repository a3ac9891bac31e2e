/** Amounts in minor units and their currency. Imports nothing of the service. */
package shop.orders.money;
