/**
 * The door in front of the connection pool: routes requests into classes and admits each class within its share of
 * connections, so a flood of one kind cannot starve order writes or payments. May import: problem, http and time.
 */
package shop.orders.admission;
