package shop.orders.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on the current transaction's connection. The order write path uses it: measured on 2 cores, building
 * ORM queries cost more CPU than PostgreSQL spent running them. Reads and state changes stay with the entities.
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
}
