package shop.orders.load;

import java.util.Collection;

/** Nearest-rank percentiles of latencies in milliseconds; NaN when there is none. */
final class Percentiles {
  private final long[] sorted;

  Percentiles(Collection<Long> values) {
    sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  int count() {
    return sorted.length;
  }

  double at(double percent) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }
}
