package shop.orders.tools;

import shop.orders.testing.LocalTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The flash-sale load of bin/bench-flash-sale, run on the tools' class path (bin/lib.sh prepare_tools):
 * {@code java -cp <tools> shop.orders.tools.FlashSaleLoad <base-url> <metrics-url> <event-sku> <buyers>
 * <arrival-seconds> <background-per-second> <background-sku-count> [customers]}.
 * Each buyer is a customer of its own unless {@code customers} is smaller: the warm-up of bin/bench-flash-sale
 * reuses customers to send many orders without signing a token for each.
 * Buyers arrive at an even rate (an open model), each with its own customer and Idempotency-Key; a 503 is retried
 * with the same key after its Retry-After and up to a second of jitter (three retries at most). Background buyers
 * order other SKUs meanwhile.
 * Loopback only; bounded by the arrival window plus 30 s. Prints one {@code key=value} line per figure.
 */
public final class FlashSaleLoad {
  private static final Pattern STOCK_CONFLICTS = Pattern.compile("(?m)^orders_stock_conflicts_total(?:\\{[^}]*})? (\\S+)");
  /** A bucket of the service's own latency histogram for 409 answers to POST /api/orders: le and count. */
  private static final Pattern SOLD_OUT_BUCKET = Pattern.compile(
      "(?m)^http_server_requests_seconds_bucket\\{(?=[^}]*method=\"POST\")(?=[^}]*status=\"409\")"
          + "(?=[^}]*uri=\"/api/orders\")[^}]*le=\"([^\"]+)\"[^}]*} (\\S+)");
  private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\":\"[^\"]*/([^\"/]+)\"");
  private static final int MAX_RETRIES = 3;
  private static final int CLIENT_THREADS = 128;
  private static final int RETRY_THREADS = 32;
  private static final int WARM_UP_REQUESTS = 20;
  private static final long SCHEDULE_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** One request: when it was due, how long until its answer (from when it was due), and how late it was sent. */
  record Attempt(long dueNanos, long tookNanos, long lateNanos, int status, String problem, boolean background) {}

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
  private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor();
  /** Retries run on threads of their own: queued behind the arrivals already submitted, they would wait for all. */
  private final ExecutorService retriers = Executors.newFixedThreadPool(RETRY_THREADS);
  /** Counts down once per buyer when it has its final answer or gave up. */
  private CountDownLatch finished;
  private final ThreadLocal<Connection> connection;

  private FlashSaleLoad(String baseUrl) {
    this.connection = ThreadLocal.withInitial(() -> new Connection(URI.create(baseUrl)));
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7 && args.length != 8) {
      System.err.println("usage: FlashSaleLoad <base-url> <metrics-url> <event-sku> <buyers> <arrival-seconds> "
          + "<background-per-second> <background-sku-count> [customers]");
      System.exit(2);
    }
    String base = args[0];
    String metricsUrl = args[1];
    String eventSku = args[2];
    int buyers = Integer.parseInt(args[3]);
    double arrivalSeconds = Double.parseDouble(args[4]);
    int backgroundPerSecond = Integer.parseInt(args[5]);
    int backgroundSkus = Integer.parseInt(args[6]);
    int customers = args.length == 8 ? Integer.parseInt(args[7]) : buyers;
    requireLoopback(base);
    requireLoopback(metricsUrl);
    new FlashSaleLoad(base).run(metricsUrl, eventSku, buyers, customers, arrivalSeconds, backgroundPerSecond,
        backgroundSkus);
  }

  private void run(String metricsUrl, String eventSku, int buyers, int customers, double arrivalSeconds,
                   int backgroundPerSecond, int backgroundSkus) throws Exception {
    List<String> tokens = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      tokens.add(LocalTokens.customer("flash-" + i + "-" + UUID.randomUUID()));
    }
    // Background shoppers are many customers, as in a real sale: one customer would meet its own rate limit.
    List<String> backgroundTokens = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      backgroundTokens.add(LocalTokens.customer("background-" + i + "-" + UUID.randomUUID()));
    }
    warmUp(backgroundTokens.getFirst(), eventSku);
    var serverBefore = soldOutBuckets(metricsUrl);
    long conflictsBefore = transactions(metricsUrl);
    // The first arrival is due only after the schedule below is built: arrivals already late at the start would
    // show up as service latency.
    long start = System.nanoTime() + SCHEDULE_LEAD_NANOS;
    line("started_at", Instant.now().plusNanos(SCHEDULE_LEAD_NANOS));
    long arrivalNanos = (long) (arrivalSeconds * 1e9);
    long deadline = start + arrivalNanos + TimeUnit.SECONDS.toNanos(30);

    // Arrivals in time order on a fixed set of client threads, so connections are reused as a browser's would be;
    // latency is measured from each buyer's scheduled arrival, so a client thread running late cannot hide a
    // slow service (no coordinated omission).
    List<Runnable> arrivals = new ArrayList<>();
    List<long[]> schedule = new ArrayList<>();
    int backgroundTotal = (int) (backgroundPerSecond * arrivalSeconds);
    for (int i = 0; i < backgroundTotal; i++) {
      schedule.add(new long[] {start + (long) (i * 1e9 / backgroundPerSecond), -1 - i});
    }
    for (int i = 0; i < buyers; i++) {
      schedule.add(new long[] {start + (long) ((double) i * arrivalNanos / buyers), i});
    }
    schedule.sort((a, b) -> Long.compare(a[0], b[0]));
    for (long[] arrival : schedule) {
      long at = arrival[0];
      if (arrival[1] < 0) {
        String sku = "BG-" + String.format("%04d", 1 + ThreadLocalRandom.current().nextInt(backgroundSkus));
        String token = backgroundTokens.get(ThreadLocalRandom.current().nextInt(backgroundTokens.size()));
        arrivals.add(() -> buy(at, token, sku, true, deadline));
      } else {
        String token = tokens.get((int) (arrival[1] % customers));
        arrivals.add(() -> buy(at, token, eventSku, false, deadline));
      }
    }
    finished = new CountDownLatch(arrivals.size());
    arrivals.forEach(clients::submit);
    long waitNanos = deadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    boolean allAnswered = finished.await(waitNanos, TimeUnit.NANOSECONDS);
    retryTimer.shutdownNow();
    retriers.shutdownNow();
    clients.shutdownNow();
    if (!allAnswered) {
      System.err.println("FlashSaleLoad: some buyers were still waiting at the deadline");
    }
    report(start, conflictsBefore, transactions(metricsUrl));
    writeAttempts(start, System.getProperty("flash.csv"));
    reportServerSide(serverBefore, soldOutBuckets(metricsUrl));
  }

  /**
   * Every client thread opens its connection and reads the event SKU's product page a few times, as buyers do
   * before a drop, so the sale does not measure this program's own cold start: the first second of a sale would
   * otherwise show its class loading and connection set-up as service latency. (Invalid orders would do for the
   * client, but their 400 answers just before the sale made the service's JIT recompile its error answers during
   * it.)
   */
  private void warmUp(String token, String eventSku) throws InterruptedException {
    var ready = new CountDownLatch(CLIENT_THREADS);
    for (int t = 0; t < CLIENT_THREADS; t++) {
      clients.submit(() -> {
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
          connection.get().get("/api/products/" + eventSku, token);
        }
        ready.countDown();
        try {
          ready.await(30, TimeUnit.SECONDS); // holds this thread so that each thread takes exactly one warm-up
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    if (!ready.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the client threads did not warm up within 60 s");
    }
    sleepNanos(TimeUnit.MILLISECONDS.toNanos(500));
  }

  /** One buyer: a first attempt at its arrival time, then, after a 503, retries with the same key. */
  private void buy(long at, String token, String sku, boolean background, long deadline) {
    sleepNanos(at - System.nanoTime());
    String body = "{\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}";
    attempt(new Buyer(token, UUID.randomUUID().toString(), body, background, deadline), at, 0);
  }

  record Buyer(String token, String key, String body, boolean background, long deadline) {}

  /**
   * Sends one attempt, timed from when it was due. A retry after Retry-After is scheduled, not slept on: a client
   * thread asleep for a second is one fewer to send the arrivals due meanwhile, which then start late and show the
   * client's own queue as service latency.
   */
  private void attempt(Buyer buyer, long due, int retries) {
    long late = System.nanoTime() - due;
    Reply reply = connection.get().post("/api/orders", buyer.token(), buyer.key(), buyer.body());
    attempts.add(new Attempt(due, System.nanoTime() - due, late, reply.status(), reply.problem(), buyer.background()));
    // Retry-After plus up to a second of jitter, as the storefront does (docs/storefront.md).
    long retryAt = reply.status() == 503 && reply.retryAfter() != null
        ? System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(2, Long.parseLong(reply.retryAfter().trim())))
            + ThreadLocalRandom.current().nextLong(TimeUnit.SECONDS.toNanos(1))
        : Long.MAX_VALUE;
    if (retries >= MAX_RETRIES || retryAt - buyer.deadline() >= 0) {
      finished.countDown();
      return;
    }
    retryTimer.schedule(() -> retriers.submit(() -> attempt(buyer, retryAt, retries + 1)),
        retryAt - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  record Reply(int status, String retryAfter, String problem) {}

  /**
   * A minimal HTTP/1.1 client on one kept-alive socket per client thread. The JDK's HttpClient spent about a core
   * of this 2-core machine at 1,000 requests/s, leaving the service too little to measure.
   */
  private final class Connection {
    private final String host;
    private final int port;
    private java.net.Socket socket;
    private java.io.BufferedInputStream in;
    private java.io.OutputStream out;

    Connection(URI base) {
      this.host = base.getHost();
      this.port = base.getPort();
    }

    Reply post(String path, String token, String key, String body) {
      byte[] payload = body.getBytes(StandardCharsets.UTF_8);
      return exchange("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + key + "\r\nContent-Length: "
          + payload.length + "\r\n\r\n", payload);
    }

    Reply get(String path, String token) {
      return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + token
          + "\r\n\r\n", new byte[0]);
    }

    private Reply exchange(String head, byte[] payload) {
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          if (socket == null) {
            socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = new java.io.BufferedOutputStream(socket.getOutputStream());
          }
          out.write(head.getBytes(StandardCharsets.US_ASCII));
          out.write(payload);
          out.flush();
          return read();
        } catch (IOException e) {
          close();
        }
      }
      return new Reply(-1, null, "no-answer");
    }

    private Reply read() throws IOException {
      String statusLine = line();
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      int length = 0;
      String retryAfter = null;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(header.substring(15).trim());
        } else if (lower.startsWith("retry-after:")) {
          retryAfter = header.substring(12).trim();
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      String problem = problemType(in.readNBytes(length));
      if (close) {
        close();
      }
      return new Reply(status, retryAfter, problem);
    }

    /** The last segment of a problem+json body's type ("out-of-stock"), or "" for any other body. */
    private static String problemType(byte[] body) {
      var m = PROBLEM_TYPE.matcher(new String(body, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : "";
    }

    private String line() throws IOException {
      var line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new java.io.EOFException("connection closed");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    private void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // closing a broken connection
      }
      socket = null;
    }
  }

  /**
   * Every attempt as CSV, when -Dflash.csv names a file: when it was due (ms since the start), population, status,
   * problem type, latency from its due time, and how late it was sent (ms).
   */
  private void writeAttempts(long start, String file) throws IOException {
    if (file == null || file.isBlank()) {
      return;
    }
    var lines = new ArrayList<String>();
    lines.add("due_ms,population,status,problem,latency_ms,sent_late_ms");
    attempts.stream().sorted(Comparator.comparingLong(Attempt::dueNanos)).forEach(a -> lines.add(
        String.format(Locale.ROOT, "%.1f,%s,%d,%s,%.2f,%.2f", (a.dueNanos() - start) / 1e6,
            a.background() ? "background" : "buyer", a.status(), a.problem(), a.tookNanos() / 1e6,
            a.lateNanos() / 1e6)));
    Files.write(Path.of(file), lines);
  }

  private void report(long start, long conflictsBefore, long conflictsAfter) {
    List<Attempt> flash = attempts.stream().filter(a -> !a.background()).toList();
    List<Attempt> background = attempts.stream().filter(Attempt::background).toList();
    List<Attempt> sold = flash.stream().filter(a -> a.status() == 201).toList();
    List<Attempt> refused = flash.stream().filter(a -> a.status() == 409).toList();
    long decisions = sold.size() + refused.size();
    long firstSent = flash.stream().mapToLong(Attempt::dueNanos).min().orElse(start);
    long lastAnswered = flash.stream().mapToLong(a -> a.dueNanos() + a.tookNanos()).max().orElse(start);
    long soldOutAt = sold.stream().mapToLong(a -> a.dueNanos() + a.tookNanos()).max().orElse(start);

    // After sell-out every transaction for the event SKU ends as a stock conflict, and before it none does
    // (background SKUs never run short, every order is for one unit), so the growth of orders.stock.conflicts over
    // the sale counts the transactions that the short circuit let through. Read before and after the sale only:
    // reading the metrics page during the sale would take CPU from the service being measured.
    String perRequest = "n/a";
    if (conflictsBefore >= 0 && conflictsAfter >= 0) {
      long conflicts = conflictsAfter - conflictsBefore;
      long flashAfter = flash.stream().filter(a -> a.dueNanos() >= soldOutAt).count();
      perRequest = flashAfter == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", conflicts / (double) flashAfter);
      line("requests_after_sellout", flashAfter);
      line("transactions_after_sellout", conflicts);
    }
    line("units_sold", sold.size());
    line("refused_409", refused.size());
    line("busy_503", flash.stream().filter(a -> a.status() == 503).count());
    line("other_status", flash.stream().filter(a -> a.status() != 201 && a.status() != 409 && a.status() != 503).count());
    line("decisions_per_s", String.format(Locale.ROOT, "%.0f", decisions / Math.max(1e-9, (lastAnswered - firstSent) / 1e9)));
    line("sold_p50_ms", percentile(sold, 50));
    line("sold_p99_ms", percentile(sold, 99));
    line("refused_p50_ms", percentile(refused, 50));
    line("refused_p99_ms", percentile(refused, 99));
    List<Attempt> refusedAfter = refused.stream().filter(a -> a.dueNanos() >= soldOutAt).toList();
    line("refused_after_sellout_p50_ms", percentile(refusedAfter, 50));
    line("refused_after_sellout_p99_ms", percentile(refusedAfter, 99));
    line("transactions_per_request_after_sellout", perRequest);
    line("background_orders", background.stream().filter(a -> a.status() == 201).count());
    line("background_other_status", background.stream().filter(a -> a.status() != 201).count());
    line("background_p99_ms", percentile(background, 99));
  }

  /**
   * The 409s as the service measured them (from its arrival to its answer, without the client's queueing): the
   * share answered within each SLO bucket during the sale, and the smallest bucket holding 99% of them.
   */
  private static void reportServerSide(java.util.TreeMap<Double, Double> before, java.util.TreeMap<Double, Double> after) {
    double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      line("server_409_count", 0);
      return;
    }
    line("server_409_count", String.format(Locale.ROOT, "%.0f", total));
    String p99Bucket = "over 5000";
    for (var bucket : after.entrySet()) {
      double within = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
      if (bucket.getKey().isInfinite()) {
        continue;
      }
      long ms = Math.round(bucket.getKey() * 1000);
      line("server_409_within_" + ms + "ms_pct", String.format(Locale.ROOT, "%.2f", 100 * within / total));
      if (within >= 0.99 * total && p99Bucket.startsWith("over")) {
        p99Bucket = Long.toString(ms);
      }
    }
    line("server_409_p99_at_most_ms", p99Bucket);
  }

  private java.util.TreeMap<Double, Double> soldOutBuckets(String metricsUrl) {
    var buckets = new java.util.TreeMap<Double, Double>();
    var m = SOLD_OUT_BUCKET.matcher(metricsText(metricsUrl));
    while (m.find()) {
      double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      buckets.merge(le, Double.parseDouble(m.group(2)), Double::sum);
    }
    return buckets;
  }


  private static String percentile(List<Attempt> list, int p) {
    if (list.isEmpty()) {
      return "n/a";
    }
    long[] sorted = list.stream().mapToLong(Attempt::tookNanos).sorted().toArray();
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return String.format(Locale.ROOT, "%.1f", sorted[Math.max(0, index)] / 1e6);
  }

  private long transactions(String metricsUrl) {
    var m = STOCK_CONFLICTS.matcher(metricsText(metricsUrl));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  /** The service's /q/metrics page; empty when it cannot be read. */
  private String metricsText(String metricsUrl) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }


  private static void line(String key, Object value) {
    System.out.println("FLASH " + key + "=" + value);
  }

  private static void sleepNanos(long nanos) {
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void requireLoopback(String url) {
    String host = URI.create(url).getHost();
    if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
      throw new IllegalArgumentException("load goes to loopback only, not " + host);
    }
  }
}
