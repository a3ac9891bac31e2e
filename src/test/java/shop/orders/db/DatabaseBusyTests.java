package shop.orders.db;

import org.junit.jupiter.api.Test;

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
}
