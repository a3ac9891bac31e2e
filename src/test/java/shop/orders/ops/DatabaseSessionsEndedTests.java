package shop.orders.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL ends the service's sessions, as a failover does (the old primary stops: its sessions end under their
 * statements and commits, idle ones in the pool) and as a switchover or a fast shutdown does (FATAL 57P01 to every
 * session): here with pg_terminate_backend on this run's own sessions only (their application name is the run's
 * schema). bin/failover-drill does the same with a real primary and standby; these are the checks that fit a test.
 */
@QuarkusTest
class DatabaseSessionsEndedTests {
  private static final String PREFIX = Api.prefix(DatabaseSessionsEndedTests.class);
  private static final Pattern RETRYABLE = Pattern.compile(".*/database-(unavailable|busy)\"");

  /** Ends every session of the service (not this one); how many it ended. */
  private static long endServiceSessions() throws SQLException {
    return TestDatabase.count("""
        select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ? and pid <> pg_backend_pid() and backend_type = 'client backend') ended""",
        TestDatabase.SCHEMA);
  }

  /** Waits (5 s at most) until none of the ended sessions is left. */
  private static void awaitSessionsGone() throws Exception {
    for (int i = 0; i < 50; i++) {
      if (TestDatabase.count("select count(*) from pg_stat_activity where application_name = ? and pid <> "
          + "pg_backend_pid() and state is not null and backend_type = 'client backend'", TestDatabase.SCHEMA) == 0) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /**
   * After the server ended the pool's idle sessions, no request gets one of them: the pool checks a connection that
   * sat idle for over a second before handing it out (quarkus.datasource.jdbc.foreground-validation-interval) and
   * replaces a dead one, so the first orders after a failover are 201, not 503 on a connection to the old primary.
   */
  @Test
  void idleSessionsTheServerEndedAreNeverHandedToARequest() throws Exception {
    String token = LocalTokens.customer(Api.newCustomer());
    String sku = PREFIX + "IDLE";
    Api.putProduct(sku, 1_000, 1_000);
    // every pool connection used once, so the pool holds as many as it will
    Api.concurrently(java.util.Collections.nCopies(8, () -> Api.post("/api/orders", token,
        UUID.randomUUID().toString(), Api.lines(sku, 1)).status()));

    assertThat(endServiceSessions()).as("sessions of the service to end").isPositive();
    awaitSessionsGone();
    Thread.sleep(1_200);

    var statuses = new ArrayList<Integer>();
    for (int i = 0; i < 12; i++) {
      var reply = Api.post("/api/orders", token, UUID.randomUUID().toString(), Api.lines(sku, 1));
      statuses.add(reply.status());
    }
    assertThat(statuses).as("orders right after the sessions ended").containsOnly(201);
  }

  /**
   * Orders and cancels while the server ends the service's sessions again and again: every answer is 201, 200 or
   * 503 database-unavailable/database-busy with Retry-After, never 500 (a session ended under a statement says
   * 57P01, one lost under a commit comes as a RollbackException with the driver's error suppressed); a client
   * retrying with the same key ends with one order; every order answered 201 exists; the SKU's stock is conserved.
   */
  @Test
  void sessionsEndedUnderLoadAnswer503WithRetryAfterNever500() throws Exception {
    String sku = PREFIX + "LOAD";
    int stock = 10_000;
    Api.putProduct(sku, 1_000, stock);
    var answers = new ConcurrentLinkedQueue<String>();
    var placed = ConcurrentHashMap.<String>newKeySet();
    var going = new AtomicBoolean(true);
    var clients = Executors.newFixedThreadPool(6);
    for (int c = 0; c < 6; c++) {
      String token = LocalTokens.customer(Api.newCustomer());
      clients.submit(() -> {
        for (int round = 0; going.get() && round < 10_000; round++) {
          String key = UUID.randomUUID().toString();
          String body = Api.lines(sku, 1 + round % 2);
          String id = untilAnswered(answers, "order", () -> Api.post("/api/orders", token, key, body), 201);
          if (id != null) {
            placed.add(id);
            if (round % 3 == 0) {
              untilAnswered(answers, "cancel", () -> Api.postWithoutBody("/api/orders/" + id + "/cancel", token), 200);
            }
          }
        }
        return null;
      });
    }
    long ended = 0;
    for (int i = 0; i < 10; i++) {
      Thread.sleep(300);
      ended += endServiceSessions();
    }
    Thread.sleep(1_000);
    going.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    Map<String, Integer> byAnswer = new TreeMap<>();
    answers.forEach(a -> byAnswer.merge(a, 1, Integer::sum));
    System.out.printf("sessions ended: %d; answers: %s%n", ended, byAnswer);
    assertThat(ended).isPositive();
    assertThat(byAnswer.keySet()).as("answers while sessions were ended")
        .allMatch(a -> Set.of("order 201", "cancel 200", "order 503", "cancel 503").contains(a));
    assertThat(placed).isNotEmpty();

    var missing = new ArrayList<String>();
    for (String id : placed) {
      if (TestDatabase.count("select count(*) from customer_order where id = ?::uuid", id) != 1) {
        missing.add(id);
      }
    }
    assertThat(missing).as("orders answered 201 and not in the database").isEmpty();
    long live = TestDatabase.count("""
        select coalesce(sum(l.quantity), 0) from order_line l join customer_order o on o.id = l.order_id
        where l.sku = ? and o.status in ('PENDING_PAYMENT', 'PAID')""", sku);
    assertThat(Api.available(sku) + live).as("stock available + in live orders").isEqualTo(stock);
  }

  private interface Call {
    Api.Reply send();
  }

  /**
   * Sends the call (an order with the same Idempotency-Key each time) until its answer is not a 503; records each
   * answer as
   * "kind status", and a 503 that is not a database problem with Retry-After as "kind 503-unexpected". Returns the
   * order id of a 201, else null.
   */
  private static String untilAnswered(ConcurrentLinkedQueue<String> answers, String kind, Call call, int expected)
      throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      Api.Reply reply = call.send();
      if (reply.status() == 503) {
        boolean promised = reply.retryAfter() != null && RETRYABLE.matcher(typeOf(reply.body())).matches();
        answers.add(kind + (promised ? " 503" : " 503-unexpected: " + reply.body()));
        Thread.sleep(50);
        continue;
      }
      answers.add(kind + " " + reply.status() + (reply.status() == expected ? "" : ": " + reply.body()));
      return reply.status() == 201 ? idOf(reply.body()) : null;
    }
    return null;
  }

  private static String typeOf(String body) {
    var m = Pattern.compile("\"type\"\\s*:\\s*(\"[^\"]*\")").matcher(body);
    return m.find() ? m.group(1) : "";
  }

  private static String idOf(String body) {
    var m = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(body);
    return m.find() ? m.group(1) : null;
  }
}
