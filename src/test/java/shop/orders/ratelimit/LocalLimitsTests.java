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

  /** What the RateLimit field reports: r requests left at once, t until the allowance is whole (3 per minute). */
  @Test
  void remainingCountsDownAndResetIsTheTimeUntilTheBurstIsWhole() {
    var first = limits.take("c", 20_000, 3);
    assertThat(first).isEqualTo(new LocalLimits.Allowance(0, 2, 20_000));
    assertThat(limits.take("c", 20_000, 3)).isEqualTo(new LocalLimits.Allowance(0, 1, 40_000));
    assertThat(limits.take("c", 20_000, 3)).isEqualTo(new LocalLimits.Allowance(0, 0, 60_000));
    assertThat(limits.take("c", 20_000, 3)).as("refused: wait for one slot, nothing taken")
        .isEqualTo(new LocalLimits.Allowance(20_000, 0, 60_000));

    advance(Duration.ofMillis(20_000));
    assertThat(limits.take("c", 20_000, 3)).isEqualTo(new LocalLimits.Allowance(0, 0, 60_000));
    advance(Duration.ofMillis(45_000));
    assertThat(limits.take("c", 20_000, 3)).as("45 s later: two slots back, one taken")
        .isEqualTo(new LocalLimits.Allowance(0, 1, 35_000));
  }

  @Test
  void theFieldsNameEachBucketCountedInTheDraftsSyntax() {
    var quotas = java.util.List.of(new Quota("api", 1200, 60, 1199, 1), new Quota("orders", 20, 60, 19, 3));
    assertThat(Quota.policyHeader(quotas)).isEqualTo("\"api\";q=1200;w=60, \"orders\";q=20;w=60");
    assertThat(Quota.header(quotas)).isEqualTo("\"api\";r=1199;t=1, \"orders\";r=19;t=3");
  }

  @Test
  void theSystemClockWorksToo() {
    assertThat(new LocalLimits(InstantSource.system(), 10).waitMillis("c", 1000, 2)).isZero();
  }
}
