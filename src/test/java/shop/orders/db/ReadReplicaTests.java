package shop.orders.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.Metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.hasItem;

/**
 * Reads routed by db.ReadReplica, with the test database standing in as its own replica (%test): catalog pages and
 * order history are served by the replica once its position is known, and a customer whose order changed moments
 * ago reads the history from the primary. bin/bench-replica and ReadReplicaIT use a real streaming standby.
 */
@QuarkusTest
class ReadReplicaTests {
  @Inject
  @DataSource("replica")
  AgroalDataSource replica;

  private static final String PREFIX = Api.prefix(ReadReplicaTests.class);

  private static double reads(String servedBy, String why) {
    return Metrics.sum("db_replica_reads_total", "served_by=\"" + servedBy + "\"", "why=\"" + why + "\"");
  }

  /** The routing counters and the lag, for a failure's message. */
  private static String routes() {
    return Metrics.page().lines().filter(l -> l.startsWith("db_replica_")).toList().toString();
  }

  private static void awaitPositionKnown() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && !known()) {
      Thread.sleep(100);
    }
    assertThat(known()).as("the replica's lag is reported and below the bound").isTrue();
  }

  private static boolean known() {
    String page = Metrics.page();
    return page.contains("db_replica_lag_seconds{") && Metrics.sumIn(page, "db_replica_lag_seconds") < 2.0;
  }

  /**
   * Sends the request (up to 20 times, half a second apart, each once the replica's position is known and fresh)
   * until one was served by the replica; true when one was. The rest of the suite may leave the replica's checker
   * behind for a moment, or Redis' breaker open for its delay (2 s): a history is then read from the primary, since
   * nobody can say whether its customer's orders just changed.
   */
  private static boolean servedByTheReplica(Runnable request) throws InterruptedException {
    for (int attempt = 0; attempt < 20; attempt++) {
      awaitPositionKnown();
      double before = reads("replica", "fresh");
      request.run();
      if (reads("replica", "fresh") == before + 1) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  @Test
  void catalogPagesAreReadFromTheReplicaWhileItIsFresh() throws InterruptedException {
    Api.putProduct(PREFIX + "page", 1000, 5);
    assertThat(servedByTheReplica(() ->
        RestAssured.given().queryParam("limit", "100").get("/api/products").then().statusCode(200)))
        .as("served by the replica once; where the reads went: %s", routes()).isTrue();
  }

  @Test
  void aCustomerWhoJustOrderedReadsTheirHistoryFromThePrimary() throws InterruptedException {
    awaitPositionKnown();
    String sku = PREFIX + "ryw";
    Api.putProduct(sku, 1000, 5);
    String token = LocalTokens.customer(Api.newCustomer());
    String id = Api.placedOrderId(token, Api.lines(sku, 1));

    double primaryBefore = reads("primary", "read_your_writes");
    RestAssured.given().auth().oauth2(token).get("/api/orders").then().statusCode(200)
        .body("items.id", hasItem(id));
    assertThat(reads("primary", "read_your_writes")).as("the history right after the order")
        .isEqualTo(primaryBefore + 1);
  }

  @Test
  void aCustomerWithNoRecentChangeReadsTheirHistoryFromTheReplica() throws InterruptedException {
    String token = LocalTokens.customer(Api.newCustomer());
    assertThat(servedByTheReplica(() ->
        RestAssured.given().auth().oauth2(token).get("/api/orders").then().statusCode(200)))
        .as("served by the replica once; where the reads went: %s", routes()).isTrue();
  }

  /**
   * The replica's sessions are read-only, so nothing can write through its pool, even where its address reaches a
   * primary (here the test database itself).
   */
  @Test
  void theReplicasSessionsTakeNoWrites() throws SQLException {
    try (Connection c = replica.getConnection(); var statement = c.createStatement()) {
      assertThatThrownBy(() -> statement.execute("create temporary table replica_write_probe (x int)"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
    }
  }
}
