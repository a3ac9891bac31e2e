package shop.orders.tools.autoscaling;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulation reads what the chart would deploy: rendered by Helm with the release's values files. */
class RenderedChartTests {
  private static final Path SMALL_POOLS = Path.of("helm/order-service/scenarios/small-pools.yaml");

  @Test
  void theChartsOwnValuesDeployTheCpuAutoscalerWithItsBehaviour() {
    var chart = RenderedChart.render(RenderedChart.CHART, List.of());
    var hpa = chart.autoscaler(AutoscalingSimulator.cronWindows(LocalTime.of(20, 0), 120)).orElseThrow();
    assertThat(hpa.minReplicas()).isEqualTo(2);
    assertThat(hpa.maxReplicas()).isEqualTo(4);
    assertThat(hpa.metrics()).containsExactly(new Hpa.Metric.CpuUtilization(60));
    assertThat(hpa.scaleUp()).isEqualTo(new Hpa.Rules(0, Hpa.Select.MAX, List.of(
        new Hpa.Policy(Hpa.PolicyType.PERCENT, 100, 15), new Hpa.Policy(Hpa.PolicyType.PODS, 4, 15))));
    assertThat(hpa.scaleDown()).isEqualTo(new Hpa.Rules(300, Hpa.Select.MAX,
        List.of(new Hpa.Policy(Hpa.PolicyType.PERCENT, 50, 60))));
    assertThat(chart.deployment()).isEqualTo(new ClusterSimulation.Deployment(2, 0.5, 2.0, 20, 10, 90, 5, 2, 0));
  }

  @Test
  void kedasScaledObjectBecomesTheAutoscalerWithItsTriggersAndTheCronWindowOnTheSimulationsClock() {
    var chart = RenderedChart.render(RenderedChart.CHART,
        List.of(SMALL_POOLS, Path.of("helm/order-service/scenarios/keda-prescale.yaml")));
    var hpa = chart.autoscaler(AutoscalingSimulator.cronWindows(LocalTime.of(20, 0), 120)).orElseThrow();
    assertThat(hpa.minReplicas()).isEqualTo(3);
    assertThat(hpa.maxReplicas()).isEqualTo(10);
    // second 0 is 19:58; the schedule holds 10 pods from 19:45 to 20:30
    assertThat(hpa.metrics()).containsExactly(new Hpa.Metric.CpuUtilization(60),
        new Hpa.Metric.OfferedOrdersPerPod(100), new Hpa.Metric.Schedule(-780, 1_920, 10));
    assertThat(chart.deployment().ordersQueryWindowSeconds()).isEqualTo(60);
    assertThat(chart.deployment().poolMax()).isEqualTo(8);
  }

  @Test
  void aFixedReplicaCountHasNoAutoscaler() {
    var chart = RenderedChart.render(RenderedChart.CHART, List.of(SMALL_POOLS));
    assertThat(chart.deployment().connectionBudget()).isEqualTo(90);
    var fixed = RenderedChart.render(RenderedChart.CHART, List.of(Path.of("src/test/resources/helm/fixed-3.yaml")));
    assertThat(fixed.autoscaler((a, b) -> new long[] {0, 0})).isEmpty();
    assertThat(fixed.deployment().fixedReplicas()).isEqualTo(3);
  }

  @Test
  void cronExpressionsBeyondAFixedMinuteAndHourAreRefused() {
    assertThat(AutoscalingSimulator.cronSecondOfDay("45 19 * * *")).isEqualTo(19 * 3600 + 45 * 60);
    assertThatThrownBy(() -> AutoscalingSimulator.cronSecondOfDay("*/5 19 * * *"))
        .hasMessageContaining("fixed minute and hour");
  }
}
