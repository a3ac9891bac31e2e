package shop.orders.tools;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/bench-orders' pgbench percentiles, on pgbench -l lines ({@code client tx latency_us script epoch us}). */
class PgbenchLatencyTests {
  @Test
  void percentilesOfTheLatencyField() {
    var lines = new ArrayList<String>();
    for (int i = 100; i >= 1; i--) {
      lines.add("0 " + i + " " + (i * 1000 + 125) + " 0 1764259200 123456");
    }
    // 100 transactions: p50 is the 50th smallest, p99 the 99th
    assertThat(PgbenchLatency.p50AndP99(lines)).isEqualTo("50.12 99.12");
  }

  @Test
  void linesWithoutALatencyAreSkipped() {
    assertThat(PgbenchLatency.p50AndP99(List.of("", "garbage", "0 1 -5 0", "0 1 n/a 0", "3 7 2500 0 1 2")))
        .isEqualTo("2.50 2.50");
  }

  @Test
  void fewTransactionsRoundTheIndexUp() {
    // n = 3: int(1.5 + 0.999) = 2nd for p50, int(2.97 + 0.999) = 3rd for p99
    assertThat(PgbenchLatency.p50AndP99(List.of("0 0 3000 0", "0 1 1000 0", "0 2 2000 0"))).isEqualTo("2.00 3.00");
  }

  @Test
  void noTransactionIsNotApplicable() {
    assertThat(PgbenchLatency.p50AndP99(List.of())).isEqualTo("n/a n/a");
  }
}
