/**
 * The door in front of the connection pool: routes requests into the classes their resource methods declare
 * ({@link shop.orders.admission.Admitted}) and admits each class within its share of connections, so a flood of one
 * kind cannot starve order writes or payments. Capabilities import it for that annotation. May import: problem, http,
 * time and security (whose token names the customer).
 */
package shop.orders.admission;
