package shop.orders.order;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;
import shop.orders.testing.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One order that cannot expire never holds back the others: its batch fails as one transaction, then its orders are
 * expired one by one, the failing one left for the next run (and counted). The failure is staged as the review found
 * it: a product whose stock sits at integer's end, so giving an order's units back overflows.
 */
@QuarkusTest
class ExpiryBatchTests {
  private static final String PREFIX = Api.prefix(ExpiryBatchTests.class);

  @Inject
  OrderExpiryJob expiry;

  @Test
  void anOrderThatCannotExpireLeavesTheOthersToExpire() throws Exception {
    String healthy = PREFIX + "OK";
    String full = PREFIX + "FULL";
    Api.putProduct(healthy, 1_000, 10);
    Api.putProduct(full, 1_000, 10);
    List<String> expiring = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expiring.add(Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(healthy, 1)));
    }
    String stuck = Api.placedOrderId(LocalTokens.customer(Api.newCustomer()), Api.lines(full, 2));
    // as stock pushed to integer's end by an earlier release's adjustments leaves it
    TestDatabase.setAvailable(full, Integer.MAX_VALUE);
    double failuresBefore = Metrics.sum("orders_expiry_failures_total");

    int expired = expiry.expireDue(Instant.now().plus(Duration.ofHours(1)));

    assertThat(expired).as("orders expired in this run (others' due orders included)").isGreaterThanOrEqualTo(3);
    for (String id : expiring) {
      assertThat(TestDatabase.text("select status from customer_order where id = ?::uuid", id)).isEqualTo("EXPIRED");
    }
    assertThat(Api.available(healthy)).as("their units given back").isEqualTo(10);
    assertThat(TestDatabase.text("select status from customer_order where id = ?::uuid", stuck))
        .as("the order that cannot expire waits for the next run").isEqualTo("PENDING_PAYMENT");
    assertThat(Metrics.sum("orders_expiry_failures_total")).isEqualTo(failuresBefore + 1);
    TestDatabase.setAvailable(full, 8);   // back within range: the next run expires it
    expiry.expireDue(Instant.now().plus(Duration.ofHours(1)));
    assertThat(TestDatabase.text("select status from customer_order where id = ?::uuid", stuck)).isEqualTo("EXPIRED");
    assertThat(Api.available(full)).isEqualTo(10);
  }
}
