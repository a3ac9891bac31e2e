package shop.orders.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident replay around a load run: the stock before it, the faults injected during it, the alerts Prometheus
 * raised, and after it the audit, all written to {@code summary.json} in the run's results directory.
 */
final class Replay {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The alerts that name each fault: the first of them to fire is the time to diagnosis. Late charges have none of
   * their own: to the service a late charge is a charge that timed out, which gateway-slow's alerts already name, and
   * what became of it is for the audit to say.
   */
  static final Map<String, List<String>> NAMING_ALERTS = Map.of(
      "redis-disk-full", List.of("RedisRefusingWrites"),
      "gateway-slow", List.of("PaymentGatewayBreakerOpen", "PaymentGatewayFailing"),
      "db-long-transactions",
      List.of("OrderDbLockOrStatementTimeouts", "OrderDbPoolSaturated", "OrderDbConnectionAcquisitionTimeouts"));

  private final ReplaySettings settings;
  private final long runStart;
  private final StoreAudit audit;
  private final Map<String, Long> initialStock;
  private final AlertWatcher alerts;
  private final FaultDrill faults;

  private Replay(ReplaySettings settings, long runStart) throws Exception {
    this.settings = settings;
    this.runStart = runStart;
    this.audit = new StoreAudit(settings.dbUrl());
    this.initialStock = audit.stockSnapshot();
    this.alerts = new AlertWatcher(settings.prometheusUrl(), runStart);
    this.faults = new FaultDrill(settings, runStart);
  }

  static Replay start(ReplaySettings settings, long runStart) {
    try {
      var replay = new Replay(settings, runStart);
      replay.alerts.start();
      replay.faults.schedule();
      return replay;
    } catch (Exception e) {
      throw new IllegalStateException("the replay cannot start", e);
    }
  }

  void finish(RunReport report, Map<String, Object> orders) throws Exception {
    faults.close();
    // A late charge may land after the service settled its payment FAILED: the audit starts only once the last one
    // has landed and two sweeps of the gateway's charge list (and a webhook's delay) have passed since.
    long lateLanded = faults.lateChargesLandedByMillis();
    long notBefore = lateLanded < 0 ? 0 : runStart + lateLanded + 2000L * settings.sweepEverySeconds() + 1000;
    if (notBefore > System.currentTimeMillis()) {
      System.out.println("late charges land at the gateway until second " + lateLanded / 1000
          + "; the audit starts at second " + (notBefore - runStart) / 1000 + " at the earliest");
    }
    System.out.println("waiting up to " + settings.settleSeconds()
        + " s for unknown payment outcomes and reversals to settle...");
    long settleMillis = audit.awaitSettled(settings.settleSeconds(), notBefore);
    alerts.close();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("mode", settings.mode());
    summary.put("orders", orders);
    var auditResult = audit.audit(report.createdOrderIds(), initialStock, settings.gatewayJournal());
    auditResult.put("secondsToSettleAfterLoad", settleMillis < 0 ? null : settleMillis / 1000.0);
    summary.put("audit", auditResult);
    summary.put("faults", faults.faults().stream().map(f -> Map.of("fault", f.name(),
        "injectedAtSecond", f.injectedAtMillis() / 1000.0, "healedAtSecond", f.healedAtMillis() / 1000.0)).toList());
    summary.put("alerts", diagnosis());
    summary.put("alertsFiring", seconds(alerts.firstFiring()));
    summary.put("alertsPending", seconds(alerts.firstPending()));
    summary.put("prometheusAnswers", alerts.answers());
    if (alerts.answers() == 0) {
      summary.put("prometheusError", alerts.lastError());
    }
    Files.writeString(settings.resultsDir().resolve("summary.json"), JSON.writeValueAsString(summary));
    System.out.println("audit: " + auditResult);
  }

  /** For each injected fault: the first alert naming it to fire, and how many seconds after the injection. */
  private List<Map<String, Object>> diagnosis() {
    var firing = alerts.firstFiring();
    var result = new ArrayList<Map<String, Object>>();
    for (var fault : faults.faults()) {
      if (!NAMING_ALERTS.containsKey(fault.name())) {
        continue;
      }
      String first = null;
      Long at = null;
      for (String alert : NAMING_ALERTS.get(fault.name())) {
        Long t = firing.get(alert);
        if (t != null && t >= fault.injectedAtMillis() && (at == null || t < at)) {
          first = alert;
          at = t;
        }
      }
      var entry = new LinkedHashMap<String, Object>();
      entry.put("fault", fault.name());
      entry.put("namingAlerts", NAMING_ALERTS.get(fault.name()));
      entry.put("alert", first);
      entry.put("secondsToFire", at == null ? null : (at - fault.injectedAtMillis()) / 1000.0);
      result.add(entry);
    }
    return result;
  }

  private static Map<String, Double> seconds(Map<String, Long> millis) {
    var result = new LinkedHashMap<String, Double>();
    millis.forEach((name, ms) -> result.put(name, ms / 1000.0));
    return result;
  }
}
