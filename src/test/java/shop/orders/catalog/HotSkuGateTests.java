package shop.orders.catalog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shop.orders.problem.ApiException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hot-SKU gate's stuck rows alone, no Quarkus boot, with a ticker the test moves: a SKU whose row was held past
 * the lock wait is refused for {@code stuck-for}, then one probe goes through while the others are still refused.
 */
class HotSkuGateTests {
  private static final Duration STUCK_FOR = Duration.ofSeconds(2);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private HotSkuGate gate;

  @BeforeEach
  void setUp() {
    CatalogConfig config = new SmallRyeConfigBuilder()
        .withMapping(CatalogConfig.class)
        .withDefaultValues(Map.of("catalog.hot-sku.stuck-for", STUCK_FOR.toString()))
        .build().getConfigMapping(CatalogConfig.class);
    gate = new HotSkuGate(config, new SimpleMeterRegistry(), now::get);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void aStuckRowRefusesForStuckForThenLetsOneProbeThrough() {
    gate.markStuck("EVENT-1");
    assertThatThrownBy(() -> gate.enter(List.of("EVENT-1"), HotSkuGate.Waiting.NONE).close())
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.problem().type()).endsWith("/sku-busy"));

    advance(STUCK_FOR.minusNanos(1));
    assertThatThrownBy(() -> gate.enter(List.of("EVENT-1"), HotSkuGate.Waiting.NONE).close())
        .as("1 ns before stuck-for ends").isInstanceOf(ApiException.class);
    advance(Duration.ofNanos(1));
    try (var probe = gate.enter(List.of("EVENT-1"), HotSkuGate.Waiting.NONE)) {
      assertThat(probe).isNotNull();
      assertThatThrownBy(() -> gate.enter(List.of("EVENT-1"), HotSkuGate.Waiting.NONE).close())
          .as("while the probe runs, others are refused").isInstanceOf(ApiException.class);
    }
    gate.markFree("EVENT-1");
    try (var anyone = gate.enter(List.of("EVENT-1"), HotSkuGate.Waiting.NONE)) {
      assertThat(anyone).isNotNull();
    }
  }
}
