package shop.orders.order;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Api;
import shop.orders.testing.LocalTokens;
import shop.orders.testing.TestDatabase;
import shop.orders.tools.PgWireCounter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/bench-orders quotes order creation as a share of pgbench on src/tools/bench/order-tx.sql, which is only honest
 * while that file runs what the order path runs. This places a one-line order through a proxy that records what the
 * service sends PostgreSQL (prepared statements are parsed every time here) and compares the order's transaction
 * with the file: the same statements, text and parameters, in the same round trips.
 */
@QuarkusTest
@WithTestResource(OrderSqlTwinTests.RecordingProxy.class)
class OrderSqlTwinTests {
  private static final String PREFIX = Api.prefix(OrderSqlTwinTests.class);
  private static final Path TWIN = Path.of("src/tools/bench/order-tx.sql");
  /** A pgbench variable (not the second colon of a {@code ::} cast). */
  private static final Pattern VARIABLE = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)");

  /** Each connection's statements as bound for execution, and "|" where a Sync ended a round trip. */
  static final Map<Integer, List<String>> SENT = new ConcurrentHashMap<>();
  /** Each connection's statement texts by name ("" for the unnamed one), kept from their Parse. */
  private static final Map<Integer, Map<String, String>> PARSED = new ConcurrentHashMap<>();

  public static class RecordingProxy implements QuarkusTestResourceLifecycleManager {
    private PgWireCounter.Proxy proxy;

    @Override
    public Map<String, String> start() {
      try {
        proxy = PgWireCounter.start(0, 5432, RecordingProxy::record);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return Map.of("quarkus.datasource.jdbc.url", TestDatabase.urlThrough(proxy.port()) + "&sslmode=disable");
    }

    @Override
    public void stop() {
      try {
        proxy.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Parse: statement name, text; Bind: portal name, statement name (each ended by a zero byte); Sync; a simple
     * Query: its text.
     */
    private static void record(int connection, char type, byte[] body) {
      switch (type) {
        case 'P' -> {
          String[] parts = strings(body, 2);
          PARSED.computeIfAbsent(connection, c -> new ConcurrentHashMap<>()).put(parts[0], parts[1]);
        }
        case 'B' -> {
          String statement = strings(body, 2)[1];
          sent(connection)
              .add(PARSED.getOrDefault(connection, Map.of()).getOrDefault(statement, "?" + statement));
        }
        case 'Q', 'q' -> sent(connection).add(strings(body, 1)[0]);
        case 'S' -> sent(connection).add("|");
        default -> {
        }
      }
    }

    /** The proxy's threads append while the test clears and copies: a synchronized list per connection. */
    private static List<String> sent(int connection) {
      return SENT.computeIfAbsent(connection, c -> java.util.Collections.synchronizedList(new ArrayList<>()));
    }

    private static String[] strings(byte[] body, int count) {
      var strings = new String[count];
      int start = 0;
      for (int i = 0; i < count; i++) {
        int end = start;
        while (body[end] != 0) {
          end++;
        }
        strings[i] = new String(body, start, end - start, StandardCharsets.UTF_8);
        start = end + 1;
      }
      return strings;
    }
  }

  @Test
  void theBenchmarksTwinRunsTheOrderPathsStatementsInItsRoundTrips() throws IOException {
    String sku = PREFIX + "TWIN";
    Api.putProduct(sku, 2_500, 100);
    SENT.values().forEach(List::clear);

    Api.placeOrder(LocalTokens.customer(Api.newCustomer()), UUID.randomUUID().toString(), Api.lines(sku, 1))
        .statusCode(201);

    List<String> service = orderTransaction();
    List<String> twin = twin();
    assertThat(service).as("the order's transaction, as sent (| ends a round trip); the twin: " + twin)
        .isEqualTo(twin);
  }

  /** From the BEGIN to the COMMIT round trip of the connection that inserted the order, normalized. */
  private static List<String> orderTransaction() {
    List<String> sent = SENT.values().stream()
        .map(list -> {
          synchronized (list) {
            return List.copyOf(list);
          }
        })
        .filter(list -> list.stream().anyMatch(s -> s.contains("insert into customer_order")))
        .findFirst().orElseThrow(() -> new AssertionError("no connection inserted an order: " + SENT));
    int insert = indexOf(sent, "insert into customer_order");
    int begin = sent.subList(0, insert).lastIndexOf("BEGIN");
    int commit = sent.subList(insert, sent.size()).indexOf("COMMIT") + insert;
    assertThat(begin).as("BEGIN before the order's insert in " + sent).isNotNegative();
    assertThat(commit).as("COMMIT after the order's insert in " + sent).isGreaterThan(insert);
    return sent.subList(begin, commit + 2).stream().map(OrderSqlTwinTests::normalize).toList();
  }

  private static int indexOf(List<String> sent, String part) {
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The twin's statements but the one marked "twin only", normalized, with "|" where pgbench waits for the server:
   * after each statement outside a pipeline, at the end of each pipeline.
   */
  private static List<String> twin() throws IOException {
    var statements = new ArrayList<String>();
    var current = new StringBuilder();
    boolean twinOnly = false;
    boolean pipeline = false;
    for (String line : Files.readAllLines(TWIN)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("-- twin only")) {
        twinOnly = true;
      } else if (trimmed.startsWith("--") || trimmed.isEmpty() && current.isEmpty()) {
        continue;
      } else if (trimmed.equals("\\startpipeline")) {
        pipeline = true;
      } else if (trimmed.equals("\\endpipeline")) {
        pipeline = false;
        statements.add("|");
      } else if (trimmed.startsWith("\\") && current.isEmpty()) {
        continue; // \set
      } else {
        current.append(trimmed).append(' ');
        boolean gset = trimmed.endsWith("\\gset");
        if (trimmed.endsWith(";") || gset) {
          String sql = current.toString().strip().replaceAll("\\s*\\\\gset$", "").replaceAll(";$", "");
          current.setLength(0);
          if (twinOnly) {
            twinOnly = false;
            continue;
          }
          statements.add(normalize(parameters(sql)));
          if (!pipeline) {
            statements.add("|");
          }
        }
      }
    }
    return statements;
  }

  /** pgbench's -M prepared: each variable becomes the next parameter, as the driver's ? do. */
  private static String parameters(String sql) {
    Matcher variables = VARIABLE.matcher(sql);
    var numbered = new StringBuilder();
    int n = 0;
    while (variables.find()) {
      variables.appendReplacement(numbered, Matcher.quoteReplacement("$" + ++n));
    }
    variables.appendTail(numbered);
    return numbered.toString();
  }

  private static String normalize(String sql) {
    return sql.strip().replaceAll("\\s+", " ").replaceAll("\\( ", "(").replaceAll(" \\)", ")")
        .toLowerCase(Locale.ROOT);
  }
}
