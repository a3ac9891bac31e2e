package shop.orders.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The figures bin/bench-scale-out writes, from fixed step lines: the expected files are what the script's earlier
 * Python wrote for the same input (src/test/resources/tools/scale-out), byte for byte.
 */
class ScaleOutReportTests {
  private static final Path FIXTURES = Path.of("src/test/resources/tools/scale-out");
  @TempDir
  Path dir;

  private static Map<String, String> env(String smoke) {
    var env = new HashMap<String, String>();
    env.put("DATE", "2026-11-27T16:00:00Z");
    env.put("MACHINE", "2 cores, 7.8 GiB, 6.1.0-28-amd64 (café)");
    env.put("COMMIT", "6bc9a15 (with local changes)");
    env.put("JAR_BUILT", "2026-11-27T15:00:00Z");
    env.put("PG_VERSION", "15.10 (Debian 15.10-0+deb12u1)");
    env.put("LOAD_AT_START", "0.52 0.40 0.30");
    env.put("LOAD_AT_END", "2.00 1.10 0.60");
    env.put("WARMUP", "20");
    env.put("DURATION", "20");
    env.put("CONNECTIONS", "64");
    env.put("CUSTOMERS", "4");
    env.put("MAX_CONNECTIONS", "100");
    env.put("RESERVED", "3");
    env.put("SKUS", "1000");
    env.put("SMOKE", smoke);
    return env;
  }

  private static List<String> steps() {
    return lines("steps.txt");
  }

  private static List<String> lines(String name) {
    try {
      return Files.readAllLines(FIXTURES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(String name) throws IOException {
    return Files.readString(FIXTURES.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void writesTheJsonMarkdownAndTableTheScriptWrote() throws IOException {
    var report = new ScaleOutReport(env("0"), steps());
    Path latest = dir.resolve("scale-out-latest.json");
    report.write(dir.resolve("scale-out-T"), latest);

    assertThat(Files.readString(dir.resolve("scale-out-T.json"))).isEqualTo(text("expected.json"));
    assertThat(Files.readString(dir.resolve("scale-out-T.md"))).isEqualTo(text("expected.md"));
    assertThat(report.table()).isEqualTo(text("expected-table.txt"));
    assertThat(report.valid()).as("a step over its limit and a step with errors").isFalse();
    assertThat(latest).as("only a valid full run is the latest").doesNotExist();
  }

  @Test
  void aValidFullRunIsTheLatestAndASmokeRunNever() throws IOException {
    List<String> firstStep = steps().subList(0, 1);
    Path latest = dir.resolve("scale-out-latest.json");

    var smoke = new ScaleOutReport(env("1"), firstStep);
    smoke.write(dir.resolve("smoke"), latest);
    assertThat(smoke.valid()).isTrue();
    assertThat(latest).doesNotExist();
    assertThat(Files.readString(dir.resolve("smoke.md"))).startsWith("# bin/bench-scale-out 2026-11-27T16:00:00Z (SMOKE)\n")
        .endsWith("\nResult: valid (no errors, every step within budget)\n");
    assertThat(Files.readString(dir.resolve("smoke.json"))).contains("\n  \"smoke\": true,\n");

    var full = new ScaleOutReport(env("0"), firstStep);
    full.write(dir.resolve("full"), latest);
    assertThat(latest).hasSameTextualContentAs(dir.resolve("full.json"));
    assertThat(Files.readString(latest)).contains("\n  \"perPodOrdersPerSecond\": 444.4,\n", "\n  \"valid\": true\n}\n");
  }

  @Test
  void withoutAOneInstanceStepThereIsNoPerPodFigure() {
    var report = new ScaleOutReport(env("0"), steps().subList(1, 3));
    assertThat(report.json()).contains("\n  \"perPodOrdersPerSecond\": null,\n");
  }

  @Test
  void aStepLineWithoutAFigureIsAnError() {
    assertThatThrownBy(() -> ScaleOutReport.step("instances=1 pool=20"))
        .hasMessageContaining("no rps= in the step line");
  }

  @Test
  void roundsAsPythonDoes() {
    assertThat(PythonStyle.round("3.125", 2)).isEqualTo(3.12);
    assertThat(PythonStyle.round("2.675", 2)).isEqualTo(2.67);   // 2.67499999... in binary
    assertThat(PythonStyle.fixed(0.25, 1)).isEqualTo("0.2");
    assertThat(PythonStyle.fixed(0.35, 1)).isEqualTo("0.3");      // 0.34999...
    assertThat(PythonStyle.fixed(1234.5, 0)).isEqualTo("1234");
    assertThat(PythonStyle.repr(40.0)).isEqualTo("40.0");
    assertThat(PythonStyle.repr(0.0001)).isEqualTo("0.0001");
    assertThat(PythonStyle.repr(1e-05)).isEqualTo("1e-05");
    assertThat(PythonStyle.repr(1.5e16)).isEqualTo("1.5e+16");
    assertThat(PythonStyle.repr(123456789.0)).isEqualTo("123456789.0");
  }

  @Test
  void haproxyStatListsTheInstancesServers() throws IOException {
    assertThat(HaproxyStat.rows(text("haproxy-show-stat.csv"))).containsExactly("i1 UP 1234", "i2 DOWN 0");
    assertThat(HaproxyStat.rows("")).isEmpty();
  }
}
