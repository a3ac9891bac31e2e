package shop.orders.tools.precheck;

import com.fasterxml.jackson.databind.JsonNode;
import shop.orders.tools.autoscaling.AutoscalingSimulator;
import shop.orders.tools.autoscaling.RenderedChart;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static shop.orders.tools.precheck.Finding.num;

/**
 * The event played by the autoscaling simulation (bin/simulate-autoscaling predict) on the chart rendered with the
 * values files and the capacity bin/bench-capacity measured (results/capacity-latest.json).
 */
final class AutoscalingCheck {
  private AutoscalingCheck() {
  }

  static List<Finding> findings(Path chart, Options o) throws Unusable {
    Path path = o.resultsDir().resolve("capacity-latest.json");
    Measurement measured = Measurement.read(path, "capacity measurement (bin/bench-capacity)");
    JsonNode prediction;
    try {
      prediction = AutoscalingSimulator.predict(chart, AutoscalingSimulator.Options.event(path, o.peak(),
          o.rampSeconds(), o.holdSeconds(), o.opensAt(), o.maxRefusedPercent() / 100, o.values()));
    } catch (RenderedChart.Refused e) {
      throw new Unusable("the chart refuses these values (helm install would too): " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw new Unusable("the simulation did not run on " + path + ": " + e.getMessage());
    }
    JsonNode added = prediction.path("firstPodAddedAfterOpeningSeconds");
    String detail = "peak " + num(o.peak()) + "/s reached in " + o.rampSeconds() + " s: "
        + prediction.path("reason").asText() + "; "
        + (added.isNull() ? "no pod added" : "the first pod added " + added.asInt() + " s after the opening");
    List<Finding> findings = new ArrayList<>();
    findings.add(Finding.passIf(prediction.path("go").asBoolean(), detail));
    measured.staleness("the capacity measurement", Instant.now()).ifPresent(findings::add);
    return findings;
  }
}
