package shop.orders.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on the current transaction's connection, for the aggregates' {@code *Rows} classes (the only places with
 * hand-written SQL, SqlAccessTests): measured on 2 cores, building ORM queries on the order path cost more CPU than
 * PostgreSQL spent running them. Plain reads and writes stay with the entities.
 * <p>
 * The connection comes from the pool, which hands every caller in one JTA transaction the connection enlisted in it
 * (the one Hibernate uses too), so a transaction that mixes entities and these statements is one database
 * transaction. Going to the pool rather than through Hibernate's session keeps a transaction that touches no entity
 * (the order's) from opening a session at all.
 */
@ApplicationScoped
public class Jdbc {
  /** Work done on the transaction's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  /** Statements on the transaction's connection that return nothing. */
  @FunctionalInterface
  public interface Statements {
    void on(Connection connection) throws SQLException;
  }

  /** A statement failed; the SQLException (its SQLState, for db.DatabaseBusy) is the cause. */
  public static final class Failure extends RuntimeException {
    Failure(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final AgroalDataSource dataSource;

  Jdbc(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Transactional(Transactional.TxType.MANDATORY)
  public <T> T inTransaction(Work<T> work) {
    // closing hands the connection back to the transaction, which commits or rolls it back and then returns it
    try (Connection connection = dataSource.getConnection()) {
      return work.on(connection);
    } catch (SQLException e) {
      throw new Failure(e);
    }
  }

  /** {@link #inTransaction} for statements that return nothing. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void runInTransaction(Statements statements) {
    inTransaction(c -> {
      statements.on(c);
      return null;
    });
  }

  /** Work in a short transaction of its own, committed on return (for jobs: the outbox relay, purges). */
  public <T> T inNewTransaction(Work<T> work) {
    return QuarkusTransaction.requiringNew().call(() -> inTransaction(work));
  }

  /** {@link #inNewTransaction} for statements that return nothing. */
  public void runInNewTransaction(Statements statements) {
    QuarkusTransaction.requiringNew().run(() -> runInTransaction(statements));
  }
}
