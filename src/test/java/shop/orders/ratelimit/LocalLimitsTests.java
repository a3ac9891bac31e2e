package shop.orders.ratelimit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate limiter's fallback when Redis cannot answer: the same GCRA, in memory, on a clock the test moves. */
class LocalLimitsTests {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T12:00:00Z"));
  private final LocalLimits limits = new LocalLimits(() -> now.get(), 100);

  private void advance(Duration by) {
    now.updateAndGet(t -> t.plus(by));
  }

  @ParameterizedTest(name = "{0} per minute: a burst of {0}, then one every {1} ms")
  @CsvSource({"3, 20000", "10, 6000", "20, 3000"})
  void aBurstThenOneEveryInterval(int burst, long intervalMillis) {
    for (int i = 0; i < burst; i++) {
      assertThat(limits.waitMillis("c", intervalMillis, burst)).as("request %d of the burst", i + 1).isZero();
    }
    assertThat(limits.waitMillis("c", intervalMillis, burst)).isEqualTo(intervalMillis);

    advance(Duration.ofMillis(intervalMillis - 1));
    assertThat(limits.waitMillis("c", intervalMillis, burst)).isEqualTo(1);
    advance(Duration.ofMillis(1));
    assertThat(limits.waitMillis("c", intervalMillis, burst)).isZero();
    assertThat(limits.waitMillis("c", intervalMillis, burst)).isEqualTo(intervalMillis);
  }

  @Test
  void customersAreCountedApart() {
    assertThat(limits.waitMillis("a", 1000, 1)).isZero();
    assertThat(limits.waitMillis("a", 1000, 1)).isEqualTo(1000);
    assertThat(limits.waitMillis("b", 1000, 1)).isZero();
  }

  @Test
  void anIdleCustomerGetsAFullBurstBackButNoMore() {
    for (int i = 0; i < 3; i++) {
      limits.waitMillis("c", 20_000, 3);
    }
    advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(limits.waitMillis("c", 20_000, 3)).isZero();
    }
    assertThat(limits.waitMillis("c", 20_000, 3)).isEqualTo(20_000);
  }

  @Test
  void theSystemClockWorksToo() {
    assertThat(new LocalLimits(InstantSource.system(), 10).waitMillis("c", 1000, 2)).isZero();
  }
}
