package shop.orders.order;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import shop.orders.db.Jdbc;
import shop.orders.messaging.Broker;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.OrderEventConsumer;
import shop.orders.testing.TestDatabase;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox relay against the real RabbitMQ on 127.0.0.1, with the example consumer of docs/orders.md: each change
 * arrives as its CloudEvent in sequence; with the broker stopped orders go on and everything arrives once it is back;
 * two relays lose nothing; a relay stopped between the broker's confirm and its mark publishes again, and the
 * consumer deduplicates.
 */
@QuarkusTest
class OrderEventRelayTests {
  private static final String PREFIX = Api.prefix(OrderEventRelayTests.class);
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** This run's exchange (application.properties: one per Maven run, as its schema). */
  private static final String EXCHANGE = "shop.orders." + TestDatabase.SCHEMA;

  @Inject
  OrderEventRelay relay;
  @Inject
  Jdbc jdbc;
  @Inject
  Broker broker;
  @Inject
  OrderConfig config;
  @Inject
  InstantSource clock;
  @Inject
  MeterRegistry registry;

  /** Each test starts with no relay holding the lease (one test hands it to another relay). */
  @org.junit.jupiter.api.BeforeEach
  void noLease() throws SQLException {
    try (var c = TestDatabase.connect(); var s = c.createStatement()) {
      s.executeUpdate("delete from outbox_lease");
    }
  }

  private static String sku(String name, int stock) {
    String sku = PREFIX + name + "-" + UUID.randomUUID().toString().substring(0, 6);
    Api.putProduct(sku, 1_000, stock);
    return sku;
  }

  /** Relays until nothing is left (bounded). */
  private void drain() {
    for (int i = 0; i < 50 && relay.relay() > 0; i++) {
      // the next batch
    }
  }

  @Test
  void eachChangeArrivesAsItsCloudEventInTheOrdersSequence() throws Exception {
    try (var consumer = new OrderEventConsumer(EXCHANGE)) {
      String token = LocalTokens.customer(Api.newCustomer());
      String id = Api.placedOrderId(token, Api.lines(sku("CE", 5), 1));
      given().auth().oauth2(token).post("/api/orders/{id}/cancel", id).then().statusCode(200);
      drain();

      var events = consumer.await(e -> e.orderId().equals(id), 2, WAIT);
      assertThat(events).extracting(OrderEventConsumer.Event::sequence, OrderEventConsumer.Event::type,
          OrderEventConsumer.Event::status, OrderEventConsumer.Event::source).containsExactly(
          org.assertj.core.groups.Tuple.tuple(1L, "shop.order.placed", "PENDING_PAYMENT", "/order-service"),
          org.assertj.core.groups.Tuple.tuple(2L, "shop.order.cancelled", "CANCELLED", "/order-service"));
      assertThat(events).extracting(OrderEventConsumer.Event::id).containsExactlyElementsOf(
          TestDatabase.text("select string_agg(id::text, ',' order by seq) from order_event where order_id = ?::uuid",
              id).lines().flatMap(l -> List.of(l.split(",")).stream()).toList());
      assertThat(TestDatabase.count(
          "select count(*) from order_event where order_id = ?::uuid and published_at is null", id)).isZero();
      assertThat(consumer.gapsAmong(Set.of(id))).isZero();
    }
  }

  @Test
  void withTheBrokerStoppedOrdersGoOnAndEveryEventArrivesOnceItIsBack() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(brokerControllable(),
        "rabbitmqctl cannot stop RabbitMQ's app for this user (CI runs as root and runs this test)");
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = sku("DOWN", 100);
    drain();
    List<String> ids = new ArrayList<>();
    rabbitmqctl("stop_app");
    try {
      for (int i = 0; i < 10; i++) {
        ids.add(Api.placedOrderId(token, Api.lines(sku, 1)));
      }
      assertThat(relay.relay()).as("nothing is confirmed while the broker is down").isZero();
      // as Prometheus scrapes them (the registry of an application started earlier in this JVM may hold a gauge of the
      // same name)
      assertThat(shop.orders.testing.Metrics.sum("outbox_pending")).isGreaterThanOrEqualTo(10);
      assertThat(shop.orders.testing.Metrics.sum("outbox_lag_seconds")).isPositive();
      shop.orders.testing.Metrics.management().get("/q/health/ready").then().statusCode(200);
    } finally {
      rabbitmqctl("start_app");
    }
    awaitBroker();
    try (var consumer = new OrderEventConsumer(EXCHANGE)) {
      drain();
      Set<String> mine = Set.copyOf(ids);
      var events = consumer.await(e -> mine.contains(e.orderId()), ids.size(), WAIT);
      assertThat(events).extracting(OrderEventConsumer.Event::orderId).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(events).allSatisfy(e -> assertThat(e.sequence()).isEqualTo(1));
      assertThat(consumer.gapsAmong(mine)).isZero();
      assertThat(shop.orders.testing.Metrics.sum("outbox_pending")).isZero();
    }
  }

  @Test
  void twoRelaysAtOnceLoseNothingAndTheLeaseHandsOverWhenItExpires() throws Exception {
    var other = new OrderEventRelay(jdbc, broker, config.events(), clock, "other-replica");
    try (var consumer = new OrderEventConsumer(EXCHANGE)) {
      String token = LocalTokens.customer(Api.newCustomer());
      String sku = sku("TWO", 100);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(Api.placedOrderId(token, Api.lines(sku, 1)));
      }
      var first = CompletableFuture.supplyAsync(relay::relay);
      var second = CompletableFuture.supplyAsync(other::relay);
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
      // the holder stops; once its lease has expired the other relay takes over
      try (var c = TestDatabase.connect(); var s = c.createStatement()) {
        s.executeUpdate("update outbox_lease set expires_at = clock_timestamp() - interval '1 second'");
      }
      for (int i = 0; i < 20; i++) {
        ids.add(Api.placedOrderId(token, Api.lines(sku, 1)));
      }
      for (int i = 0; i < 50 && other.relay() + relay.relay() > 0; i++) {
        // until both find nothing
      }
      Set<String> mine = Set.copyOf(ids);
      var events = consumer.await(e -> mine.contains(e.orderId()), ids.size(), WAIT);
      assertThat(events).extracting(OrderEventConsumer.Event::orderId).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(consumer.gapsAmong(mine)).isZero();
      assertThat(TestDatabase.count("select count(*) from order_event where published_at is null")).isZero();
      assertThat(TestDatabase.text("select holder from outbox_lease")).as("the lease changed hands")
          .isEqualTo("other-replica");
    }
  }

  @Test
  void aRelayStoppedBetweenTheConfirmAndItsMarkPublishesAgainAndTheConsumerTakesItOnce() throws Exception {
    drain();
    try (var consumer = new OrderEventConsumer(EXCHANGE)) {
      String token = LocalTokens.customer(Api.newCustomer());
      String id = Api.placedOrderId(token, Api.lines(sku("CRASH", 5), 1));
      var batch = relay.claim().orElseThrow();
      assertThat(batch).extracting(OrderEventRelay.Row::orderId).contains(UUID.fromString(id));
      assertThat(relay.publish(batch)).isTrue();
      // stopped here: confirmed by the broker, not marked published
      assertThat(TestDatabase.count(
          "select count(*) from order_event where order_id = ?::uuid and published_at is null", id)).isEqualTo(1);
      drain();

      var events = consumer.await(e -> e.orderId().equals(id), 1, WAIT);
      assertThat(events).hasSize(1);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (consumer.duplicates() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(consumer.duplicates()).as("the event came twice and was taken once").isGreaterThanOrEqualTo(1);
      assertThat(TestDatabase.count(
          "select count(*) from order_event where order_id = ?::uuid and published_at is null", id)).isZero();
    }
  }

  private static boolean brokerControllable() {
    try {
      Process process = new ProcessBuilder("rabbitmqctl", "-q", "ping").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void rabbitmqctl(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("rabbitmqctl " + command).isTrue();
    assertThat(process.exitValue()).as("rabbitmqctl " + command + ": " + output).isZero();
  }

  /** Until RabbitMQ accepts connections again (bounded). */
  private static void awaitBroker() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (var consumer = new OrderEventConsumer(EXCHANGE)) {
        return;
      } catch (IOException | java.util.concurrent.TimeoutException e) {
        Thread.sleep(250);
      }
    }
    throw new AssertionError("RabbitMQ did not come back within 60 s");
  }
}
