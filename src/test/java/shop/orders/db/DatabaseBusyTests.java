package shop.orders.db;

import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import java.io.EOFException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which database failures are 503s, without a boot: every wording and SQLState the pool and driver use. */
class DatabaseBusyTests {
  @Test
  void anAcquisitionTimeoutWithoutSqlStateIsBusyNotAFailureOfItsOwn() {
    var timeout = new RuntimeException(new SQLException("Acquisition timeout while waiting for new connection"));
    assertThat(DatabaseBusy.isCause(timeout)).isTrue();
    assertThat(DatabaseBusy.reason(timeout)).isEqualTo("acquisition_timeout");
    assertThat(DatabaseBusy.problem(timeout).problem().type()).endsWith("/database-busy");
  }

  @Test
  void lockTimeoutsAreBusyConnectionFailuresUnavailableAndOtherErrorsNeither() {
    assertThat(DatabaseBusy.reason(new SQLException("canceling statement", "55P03"))).isEqualTo("lock_timeout");
    var refused = new SQLException("Connection refused", "08001");
    assertThat(DatabaseBusy.problem(refused).problem().type()).endsWith("/database-unavailable");
    assertThat(DatabaseBusy.isCause(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(DatabaseBusy.isCause(new SQLException("no state"))).isFalse();
  }

  /**
   * A primary stopped under a commit (found by bin/failover-drill): Narayana throws a RollbackException whose cause is
   * empty and whose suppressed XAException carries the driver's I/O error. The change may have been made (the
   * standby may have it), so the answer is 503 with a retry, and it does not claim that nothing changed.
   */
  @Test
  void aConnectionLostDuringTheCommitIsUnavailableAndSaysTheChangeMayHaveBeenMade() {
    var io = new SQLException("An I/O error occurred while sending to the backend.", "08006", new EOFException());
    var xa = new XAException("Error trying to transactionCommit local transaction: " + io.getMessage());
    xa.initCause(io);
    var rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
    rollback.addSuppressed(xa);
    var thrown = new RuntimeException("Error invoking subclass method", rollback);

    assertThat(DatabaseBusy.isCause(thrown)).isTrue();
    assertThat(DatabaseBusy.reason(thrown)).isEqualTo("unavailable_at_commit");
    var problem = DatabaseBusy.problem(thrown);
    assertThat(problem.problem().status()).isEqualTo(503);
    assertThat(problem.problem().type()).endsWith("/database-unavailable");
    assertThat(problem.problem().detail()).contains("may or may not have been made").doesNotContain("nothing was");
    assertThat(DatabaseBusy.describe(thrown)).startsWith("08006").endsWith("(at commit)");
  }

  /** A commit refused for another reason (rolled back, a constraint) is no reason to retry. */
  @Test
  void aRollbackWithoutALostConnectionIsNotACause() {
    var rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
    rollback.addSuppressed(new SQLException("duplicate key value violates unique constraint", "23505"));
    assertThat(DatabaseBusy.isCause(new RuntimeException(rollback))).isFalse();
  }

  /**
   * A fast shutdown, a switchover or pg_terminate_backend ends the session with FATAL 57P01; the driver throws it
   * with the I/O error of the closed socket chained as its next exception. A server that crashed or does not take
   * connections yet says 57P02 or 57P03, one without a free connection slot 53300, and a write that reached a server
   * that is read-only (a demoted primary in a switchover) 25006.
   */
  @Test
  void aSessionTheServerEndedIsUnavailable() {
    var terminated = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
    terminated.setNextException(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
    var thrown = new Jdbc.Failure(terminated);
    assertThat(DatabaseBusy.isCause(thrown)).isTrue();
    assertThat(DatabaseBusy.reason(thrown)).isEqualTo("unavailable");
    assertThat(DatabaseBusy.problem(thrown)).isSameAs(DatabaseBusy.UNAVAILABLE);
    for (String state : new String[] {"57P01", "57P02", "57P03", "53300", "25006"}) {
      assertThat(DatabaseBusy.problem(new RuntimeException(new SQLException("server gone", state))).problem().type())
          .as(state).endsWith("/database-unavailable");
    }
    var onlyNext = new SQLException("some earlier message", "01000");
    onlyNext.setNextException(new SQLException("This connection has been closed.", "08003"));
    assertThat(DatabaseBusy.isCause(onlyNext)).isTrue();
  }

  @Test
  void aFailureThatCausesItselfEndsTheWalk() {
    var a = new RuntimeException("a");
    var b = new RuntimeException("b", a);
    a.addSuppressed(b);
    assertThat(DatabaseBusy.isCause(b)).isFalse();
  }
}
