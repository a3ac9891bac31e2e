package shop.orders.tools.precheck;

import shop.orders.tools.autoscaling.Replicas;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static shop.orders.tools.precheck.Finding.num;

/**
 * The peak with headroom against the measured orders/s per pod (bin/bench-scale-out's
 * results/scale-out-latest.json) at the most pods, and the peak against the pods kept warm.
 */
final class CapacityCheck {
  private CapacityCheck() {
  }

  static List<Finding> findings(Path resultsDir, double peak, double headroom, Replicas pods, Instant now)
      throws Unusable {
    Measurement measured = Measurement.read(resultsDir.resolve("scale-out-latest.json"),
        "scale-out measurement (per-pod capacity)");
    double perPod = measured.number("perPodOrdersPerSecond");
    if (perPod <= 0) {
      throw new Unusable(measured.path() + ": perPodOrdersPerSecond is " + num(perPod));
    }
    double needed = peak * headroom;
    double ceiling = perPod * pods.most();
    double warm = perPod * pods.fewest();
    String sums = "peak " + num(peak) + "/s x headroom " + num(headroom) + " = " + num(needed) + " orders/s "
        + Finding.within(needed, ceiling) + " " + num(perPod) + "/s per pod x " + pods.most() + " max pods = "
        + num(ceiling) + "/s";
    List<Finding> findings = new ArrayList<>();
    findings.add(needed > ceiling
        ? Finding.fail(sums + ": add pods (within the connection budget) or make each pod faster")
        : Finding.pass(sums));
    if (peak > warm) {
      findings.add(Finding.warn("peak " + num(peak) + "/s > " + num(perPod) + "/s per pod x " + pods.fewest()
          + " min pods = " + num(warm) + "/s: the autoscaler must add pods during the surge, and pods take time to"
          + " start (raise autoscaling.minReplicas, as values-event.yaml does)"));
    } else {
      findings.add(Finding.pass("peak " + num(peak) + "/s <= " + num(perPod) + "/s per pod x " + pods.fewest()
          + " min pods = " + num(warm) + "/s: the warm pods carry it"));
    }
    measured.staleness("the scale-out measurement", now).ifPresent(findings::add);
    return findings;
  }
}
