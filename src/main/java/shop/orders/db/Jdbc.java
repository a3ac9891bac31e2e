package shop.orders.db;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on the current transaction's connection, for the aggregates' {@code *Rows} classes (the only places with
 * hand-written SQL, SqlAccessTests): measured on 2 cores, building ORM queries on the order path cost more CPU than
 * PostgreSQL spent running them. Plain reads and writes stay with the entities.
 */
@ApplicationScoped
public class Jdbc {
  /** Work done on the transaction's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  private final EntityManager em;

  Jdbc(EntityManager em) {
    this.em = em;
  }

  @Transactional(Transactional.TxType.MANDATORY)
  public <T> T inTransaction(Work<T> work) {
    return em.unwrap(Session.class).doReturningWork(work::on);
  }

  /** Work in a short transaction of its own, committed on return (for jobs: the outbox relay, purges). */
  public <T> T inNewTransaction(Work<T> work) {
    return QuarkusTransaction.requiringNew().call(() -> em.unwrap(Session.class).doReturningWork(work::on));
  }
}
