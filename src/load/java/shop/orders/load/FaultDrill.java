package shop.orders.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import shop.orders.common.RedisProcess;

/**
 * The faults of 2025-06-05, injected into a local run at one moment and healed a while later:
 * <ul>
 *   <li>{@code redis-disk-full}: the tmpfs holding Redis' AOF is filled until Redis answers writes with MISCONF;</li>
 *   <li>{@code gateway-slow}: the payment gateway simulator answers in seconds;</li>
 *   <li>{@code db-long-transactions}: a session holds the event SKUs' stock rows locked, as the day's long order and
 *   payment transactions did, so orders for them hold their connections until the lock timeout.</li>
 * </ul>
 * Each injection is logged with its time, so the alert that names it can be timed from it.
 */
final class FaultDrill implements AutoCloseable {
  /** A fault and when it was injected and healed (milliseconds since the run started; -1: not yet). */
  record Fault(String name, long injectedAtMillis, long healedAtMillis) {}

  private final ReplaySettings settings;
  private final long runStart;
  private final List<Fault> faults = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Connection lockHolder;

  FaultDrill(ReplaySettings settings, long runStart) {
    this.settings = settings;
    this.runStart = runStart;
  }

  void schedule() {
    timer.schedule(this::inject, settings.faultsAtSeconds(), TimeUnit.SECONDS);
    timer.schedule(this::heal, settings.faultsAtSeconds() + settings.faultSeconds(), TimeUnit.SECONDS);
  }

  synchronized List<Fault> faults() {
    return List.copyOf(faults);
  }

  private synchronized void inject() {
    attempt("redis-disk-full", this::fillRedisDisk);
    attempt("gateway-slow", () -> gateway("PG_LATENCY_MIN_MS=" + settings.gatewaySlowMinMillis() + "\n"
        + "PG_LATENCY_MAX_MS=" + settings.gatewaySlowMaxMillis() + "\n"));
    attempt("db-long-transactions", this::lockEventSkus);
  }

  /** Puts everything back as it was; safe to call more than once. */
  synchronized void heal() {
    long now = System.currentTimeMillis() - runStart;
    for (int i = 0; i < faults.size(); i++) {
      Fault fault = faults.get(i);
      if (fault.healedAtMillis() < 0) {
        faults.set(i, new Fault(fault.name(), fault.injectedAtMillis(), now));
      }
    }
    quietly(() -> Files.deleteIfExists(settings.redisDir().resolve("filler")));
    quietly(() -> gateway(""));
    quietly(this::releaseLocks);
    log("faults healed");
  }

  @Override
  public void close() {
    heal();
    timer.shutdownNow();
  }

  private void attempt(String name, Step step) {
    try {
      step.run();
      faults.add(new Fault(name, System.currentTimeMillis() - runStart, -1));
      log("fault injected: " + name);
    } catch (Exception e) {
      log("fault " + name + " could not be injected: " + e);
    }
  }

  private void fillRedisDisk() throws IOException, InterruptedException {
    Path filler = settings.redisDir().resolve("filler");
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 4096; i++) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // the disk is full: what we wanted
    }
    // Redis notices on its next AOF write; one probe write makes it refuse writes from now on
    for (int i = 0; i < 40; i++) {
      if (RedisProcess.cli(settings.redisPort(), "SET", settings.keyPrefix() + "drill-probe", "x").startsWith("MISCONF")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("Redis did not start refusing writes");
  }


  private void gateway(String behaviour) throws IOException, InterruptedException {
    var response = http.send(HttpRequest.newBuilder(URI.create(settings.gatewayUrl() + "/sim/behaviour"))
        .timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.ofString(behaviour)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("gateway simulator answered " + response.statusCode());
    }
  }

  private void lockEventSkus() throws SQLException {
    lockHolder = DriverManager.getConnection(settings.dbUrl(), "postgres", "");
    lockHolder.setAutoCommit(false);
    try (var statement = lockHolder.createStatement()) {
      statement.execute("set idle_in_transaction_session_timeout = 0");
      statement.execute("select sku from product where event for update");
    }
  }

  private void releaseLocks() throws SQLException {
    if (lockHolder != null) {
      lockHolder.rollback();
      lockHolder.close();
      lockHolder = null;
    }
  }

  private static void log(String message) {
    System.out.println("[drill " + Instant.now() + "] " + message);
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      log("healing step failed: " + e);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
