package shop.orders.db;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.TestDatabase;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stopping instance, once its delay is over, closes its idle connections at once and the ones still in use as they
 * come back, and keeps none open ahead of need (its minimum is 4 here), the read replica's pool included: PostgreSQL
 * sees them go while the instance is still finishing its last requests.
 */
@QuarkusTest
@TestProfile(DrainingPoolTests.Stopping.class)
class DrainingPoolTests {
  public static class Stopping implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.jdbc.min-size", "4", "quarkus.datasource.jdbc.initial-size", "4",
          "quarkus.shutdown.delay", "0.3s");
    }
  }

  @Inject
  DataSource dataSource;
  @Inject
  Event<ShutdownDelayInitiatedEvent> draining;
  @Inject
  @io.quarkus.agroal.DataSource("replica")
  DataSource replica;

  @Test
  void afterTheDelayTheConnectionsGoBackToTheDatabaseAsTheyFallIdle() throws Exception {
    // the read replica's pool (the test database stands in as the replica) holds a connection too
    try (var read = replica.getConnection()) {
      read.createStatement().execute("select 1");
    }
    try (var held = dataSource.getConnection()) {
      held.createStatement().execute("select 1");
      assertThat(serviceConnections()).as("the pool's minimum, open ahead of need, and the replica's")
          .isGreaterThanOrEqualTo(5);

      draining.fire(new ShutdownDelayInitiatedEvent());
      long idleGone = awaitConnections(1);
      assertThat(idleGone).as("only the connection in use is left").isEqualTo(1);
      held.createStatement().execute("select 1");   // still usable by the request that holds it
    }
    assertThat(awaitConnections(0)).as("returned, and closed").isZero();

    try (var late = dataSource.getConnection()) {
      late.createStatement().execute("select 1");   // a last request still gets one, opened when it asks
    }
    assertThat(serviceConnections()).isLessThanOrEqualTo(1);
  }

  /** This service's connections (the test URL names them after the test schema). */
  private static long serviceConnections() throws SQLException {
    try (var db = TestDatabase.connect(); var rs = db.createStatement().executeQuery(
        "select count(*) from pg_stat_activity where application_name = '" + TestDatabase.SCHEMA
            + "' and pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long awaitConnections(long expected) throws Exception {
    long now = -1;
    for (int i = 0; i < 100; i++) {
      now = serviceConnections();
      if (now == expected) {
        return now;
      }
      Thread.sleep(50);
    }
    return now;
  }
}
