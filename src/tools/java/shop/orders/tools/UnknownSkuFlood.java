package shop.orders.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A client flooding {@code GET /api/products/{sku}} with made-up SKUs, run as a process of its own by
 * {@code UnknownSkuFloodTests}: {@code java -cp target/test-classes shop.orders.tools.UnknownSkuFlood <base url>
 * <seconds> <connections>}.
 * Loopback only, bounded in time and in requests (100,000); prints "status count" lines when done.
 */
public final class UnknownSkuFlood {
  private static final int MAX_REQUESTS = 100_000;

  public static void main(String[] args) throws Exception {
    String base = args[0];
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    int connections = Integer.parseInt(args[2]);
    if (!URI.create(base).getHost().equals("127.0.0.1")) {
      throw new IllegalArgumentException("loopback only");
    }
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    var sent = new LongAdder();
    try (var pool = Executors.newFixedThreadPool(connections)) {
      for (int i = 0; i < connections; i++) {
        pool.submit(() -> {
          while (System.nanoTime() < until && sent.sum() < MAX_REQUESTS) {
            sent.increment();
            var request = HttpRequest.newBuilder(URI.create(base + "/api/products/NOPE-" + UUID.randomUUID()))
                .timeout(Duration.ofSeconds(5)).build();
            int status;
            try {
              status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
              status = -1;
            }
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
          }
          return null;
        });
      }
    }
    statuses.forEach((status, count) -> System.out.println(status + " " + count.sum()));
  }
}
