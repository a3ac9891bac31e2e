package shop.orders.tools.precheck;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static shop.orders.tools.PythonStyle.reprOf;
import static shop.orders.tools.PythonStyle.str;
import static shop.orders.tools.precheck.Finding.num;

/**
 * The hardened run of the incident replay (bin/replay-incident's results/replay-latest.json): its audit, every
 * fault's alert in time, and how admitted orders and refusals fared.
 */
final class ResilienceCheck {
  static final int MAX_SECONDS_TO_FIRE = 120;
  static final double MIN_ADMITTED_SUCCESS_SHARE = 0.99;
  static final int MAX_REFUSAL_P99_MS = 100;

  private ResilienceCheck() {
  }

  static List<Finding> findings(Path resultsDir, Instant now) throws Unusable {
    Measurement replay = Measurement.read(resultsDir.resolve("replay-latest.json"), "incident replay");
    boolean audit = replay.field("runs.hardened.audit.passed", Measurement.Kind.BOOLEAN).asBoolean();
    double share = replay.number("runs.hardened.orders.admittedSuccessShare");
    double refusal = replay.number("runs.hardened.orders.refusalP99Ms");
    JsonNode alerts = replay.field("runs.hardened.alerts", Measurement.Kind.LIST);
    List<Finding> findings = new ArrayList<>();
    findings.add(audit ? Finding.pass("hardened run: audit passed")
        : Finding.fail("hardened run: audit did not pass (orders, stock or payments disagree): see the replay"));
    if (alerts.isEmpty()) {
      findings.add(Finding.fail("hardened run: no fault's alert was checked"));
    }
    for (JsonNode alert : alerts) {
      if (!alert.isObject()) {
        throw new Unusable(replay.path() + ": runs.hardened.alerts holds " + reprOf(alert));
      }
      String fault = str(alert.get("fault"));
      String name = str(alert.get("alert"));
      JsonNode seconds = alert.get("secondsToFire");
      if (seconds != null && !seconds.isNull() && !seconds.isNumber()) {
        throw new Unusable(replay.path() + ": secondsToFire of " + name + " is " + reprOf(seconds));
      }
      if (seconds == null || seconds.isNull()) {
        findings.add(Finding.fail("fault " + fault + ": " + name + " never fired"));
      } else if (seconds.asDouble() > MAX_SECONDS_TO_FIRE) {
        findings.add(Finding.fail("fault " + fault + ": " + name + " fired after " + num(seconds.asDouble())
            + " s, over " + MAX_SECONDS_TO_FIRE + " s"));
      } else {
        findings.add(Finding.pass("fault " + fault + ": " + name + " fired after " + num(seconds.asDouble()) + " s"));
      }
    }
    String orders = "admitted orders succeeded " + num(share * 100) + "% (>= " + num(MIN_ADMITTED_SUCCESS_SHARE * 100)
        + "% wanted), refusals p99 " + num(refusal) + " ms (< " + MAX_REFUSAL_P99_MS + " ms wanted)";
    boolean good = share >= MIN_ADMITTED_SUCCESS_SHARE && refusal < MAX_REFUSAL_P99_MS;
    findings.add(good ? Finding.pass("hardened run: " + orders) : Finding.warn("hardened run: " + orders));
    replay.staleness("the incident replay", now).ifPresent(findings::add);
    return findings;
  }
}
