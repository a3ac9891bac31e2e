package shop.orders.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import static shop.orders.tools.PythonStyle.fixed;

/**
 * The p50 and p99 latency of pgbench's per-transaction logs (pgbench -l), for bin/bench-orders:
 * {@code PgbenchLatency <log file>...} prints {@code <p50 ms> <p99 ms>} with two decimals, or {@code n/a n/a} when
 * the logs hold no transaction. The third field of a log line is the transaction's latency in microseconds; the
 * p-th percentile is the ceil(n × p)-th smallest latency. Files that cannot be read count as empty.
 */
public final class PgbenchLatency {
  private static final Pattern FIELDS = Pattern.compile("\\s+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private PgbenchLatency() {
  }

  public static void main(String[] args) {
    var lines = new ArrayList<String>();
    for (String file : args) {
      try {
        lines.addAll(Files.readAllLines(Path.of(file)));
      } catch (IOException e) {
        // as cat 2>/dev/null: a missing log adds nothing
      }
    }
    System.out.println(p50AndP99(lines));
  }

  /** "p50 p99" in milliseconds of the log lines, or "n/a n/a". */
  static String p50AndP99(Collection<String> lines) {
    List<Long> micros = lines.stream().map(line -> FIELDS.split(line.strip()))
        .filter(f -> f.length >= 3 && DIGITS.matcher(f[2]).matches()).map(f -> Long.parseLong(f[2])).sorted()
        .toList();
    if (micros.isEmpty()) {
      return "n/a n/a";
    }
    return ms(micros, 0.50) + " " + ms(micros, 0.99);
  }

  /** As awk's int(n × share + 0.999)-th value (1-based), in milliseconds with two decimals. */
  private static String ms(List<Long> sorted, double share) {
    int index = (int) (sorted.size() * share + 0.999);
    return fixed(sorted.get(Math.max(index, 1) - 1) / 1000.0, 2);
  }
}
