package shop.orders.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Runs something once the current transaction has committed, and not at all when it rolls back: for effects
 * outside the database that must not claim what the database may yet undo (a sold-out marker, a log line that says
 * an order was placed).
 */
@ApplicationScoped
public class AfterCommit {
  private final TransactionSynchronizationRegistry transactions;

  AfterCommit(TransactionSynchronizationRegistry transactions) {
    this.transactions = transactions;
  }

  /** Call inside a transaction. */
  public void run(Runnable action) {
    transactions.registerInterposedSynchronization(new Synchronization() {
      @Override
      public void beforeCompletion() {
        // nothing before
      }

      @Override
      public void afterCompletion(int status) {
        if (status == Status.STATUS_COMMITTED) {
          action.run();
        }
      }
    });
  }
}
