package shop.orders.load;

import shop.orders.testing.RedisProcess;

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

/**
 * The faults of 2025-06-05, injected into a local run at one moment and healed a while later:
 * <ul>
 *   <li>{@code redis-disk-full}: the tmpfs holding Redis' AOF is filled until Redis answers writes with MISCONF;</li>
 *   <li>{@code gateway-slow}: the payment gateway simulator answers in seconds;</li>
 *   <li>{@code gateway-late-charges}: a share of charges is recorded by the gateway only long after the service gave
 *   up waiting (and half their webhooks are lost), so some land after the service settled the payment as failed;
 *   charges pending when the faults heal still land later;</li>
 *   <li>{@code db-long-transactions}: a session holds the event SKUs' stock rows locked, as the day's long order and
 *   payment transactions did, so orders for them hold their connections until the lock timeout.</li>
 * </ul>
 * Each injection is logged with its time, so the alert that names it can be timed from it.
 */
final class FaultDrill implements AutoCloseable {
  static final String LATE_CHARGES = "gateway-late-charges";

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
    attempt(List.of("redis-disk-full"), this::fillRedisDisk);
    // the simulator's PUT replaces all its overrides, so both gateway faults go in one body
    var gatewayFaults = new ArrayList<>(List.of("gateway-slow"));
    var behaviour = new StringBuilder("PG_LATENCY_MIN_MS=" + settings.gatewaySlowMinMillis() + "\n"
        + "PG_LATENCY_MAX_MS=" + settings.gatewaySlowMaxMillis() + "\n");
    if (settings.lateChargeRate() > 0) {
      gatewayFaults.add(LATE_CHARGES);
      behaviour.append("PG_LATE_RATE=").append(settings.lateChargeRate()).append('\n')
          .append("PG_LATE_MS=").append(settings.lateChargeMillis()).append('\n')
          .append("PG_LATE_WEBHOOK_LOSS=").append(settings.lateChargeWebhookLoss()).append('\n');
    }
    attempt(gatewayFaults, () -> gateway(behaviour.toString()));
    attempt(List.of("db-long-transactions"), this::lockEventSkus);
  }

  /**
   * When the last late charge lands at the gateway, in milliseconds since the run started: the gateway stops
   * delaying charges when the faults heal, and those already delayed land {@code lateChargeMillis} after they were
   * asked for. -1 when no late charges were injected.
   */
  synchronized long lateChargesLandedByMillis() {
    return faults.stream().filter(f -> f.name().equals(LATE_CHARGES) && f.healedAtMillis() >= 0)
        .mapToLong(f -> f.healedAtMillis() + settings.lateChargeMillis()).max().orElse(-1);
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

  /** Injects the faults {@code names} with one step: all of them are injected, or none. */
  private void attempt(List<String> names, Step step) {
    try {
      step.run();
      long now = System.currentTimeMillis() - runStart;
      for (String name : names) {
        faults.add(new Fault(name, now, -1));
        log("fault injected: " + name);
      }
    } catch (Exception e) {
      log("fault " + String.join(", ", names) + " could not be injected: " + e);
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
