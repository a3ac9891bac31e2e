package shop.orders.idempotency;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class IdempotencyPurgeTests {
  @Inject
  IdempotencyPurgeJob purge;
  @Inject
  IdempotencyConfig config;

  @Test
  void keysOlderThanTheRetentionArePurgedAndYoungerOnesKept() throws Exception {
    String customer = Api.newCustomer();
    try (var db = TestDatabase.connect(); var insert = db.prepareStatement("""
        insert into idempotency_key (customer_id, idem_key, fingerprint, response_status, response_body, created_at)
        values (?, ?, repeat('0', 64), 201, '{}', now() - ?::interval)""")) {
      for (String[] row : new String[][] {{"old", "25 hours"}, {"young", "23 hours"}}) {
        insert.setString(1, customer);
        insert.setString(2, row[0] + "-" + UUID.randomUUID());
        insert.setString(3, row[1]);
        insert.executeUpdate();
      }
    }

    purge.purge();

    assertThat(config.retention()).isGreaterThanOrEqualTo(Duration.ofHours(24));
    assertThat(TestDatabase.count("select count(*) from idempotency_key where customer_id = ? and idem_key like 'old-%'",
        customer)).isZero();
    assertThat(TestDatabase.count(
        "select count(*) from idempotency_key where customer_id = ? and idem_key like 'young-%'", customer)).isEqualTo(1);
    assertThat(purge.purgeBatch(Instant.now().minus(config.retention()))).isZero();
  }
}
