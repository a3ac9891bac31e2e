package shop.orders.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/replay-report on fixed runs (src/test/resources/tools/replay): a hardened run that
 * passed its audit with a CPU record and a time series, an incident run that failed it with figures missing, and a
 * scale-out result beside them. The expected files are what the earlier Python script wrote for the same input (with
 * its date and machine fixed), byte for byte.
 */
class ReplayReportTests {
  private static final Path FIXTURES = Path.of("src/test/resources/tools/replay");
  private static final Instant DATE = Instant.parse("2026-11-27T16:00:00.123Z");
  private static final String MACHINE = "2 cores, 23 GiB, Linux 6.1.0-test";
  @TempDir
  Path dir;

  private Path copyFixtures() throws IOException {
    Path results = dir.resolve("results");
    try (Stream<Path> files = Files.walk(FIXTURES.resolve("results"))) {
      for (Path file : files.toList()) {
        Path target = results.resolve(FIXTURES.resolve("results").relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return results.resolve("replay-T");
  }

  private static String expected(String name) throws IOException {
    return Files.readString(FIXTURES.resolve("expected").resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void writesTheJsonMarkdownAndChartScriptThePythonWrote() throws IOException {
    Path out = copyFixtures();
    var report = new ReplayReport(out, 30, 100, DATE, MACHINE);
    String text = report.write();

    assertThat(Files.readString(out.resolve("replay.json"))).isEqualTo(expected("replay.json"));
    assertThat(Files.readString(out.resolve("replay.md"))).isEqualTo(expected("replay.md"));
    assertThat(text + "\n").as("printed").isEqualTo(expected("stdout.txt"));
    assertThat(report.gnuplotScript()).isEqualTo(expected("gnuplot.txt").replace("results/replay-T", out.toString()));
    assertThat(report.hasRuns()).isTrue();
    assertThat(report.hardenedAuditPassed()).isTrue();
  }

  @Test
  void aHardenedRunWhoseAuditFailedFailsTheReport() throws IOException {
    Path out = copyFixtures();
    Path summary = out.resolve("hardened/summary.json");
    Files.writeString(summary, Files.readString(summary).replace("\"passed\":true", "\"passed\":false"));
    var report = new ReplayReport(out, 30, 100, DATE, MACHINE);
    assertThat(report.hardenedAuditPassed()).isFalse();
    assertThat(report.markdown()).contains("| audit | FAILED | FAILED |");
  }

  @Test
  void withoutScaleOutResultsOrSummariesThereIsLess() throws IOException {
    Path out = copyFixtures();
    Files.delete(out.getParent().resolve("scale-out-latest.json"));
    Files.delete(out.resolve("hardened/summary.json"));
    Files.delete(out.resolve("hardened/timeseries.txt"));
    var report = new ReplayReport(out, 30, 100, DATE, MACHINE);
    assertThat(report.json()).doesNotContain("scaleOutBest");
    assertThat(report.markdown()).contains("| | incident |\n|---|---|\n").doesNotContain("Hardened order answers/s");
    assertThat(report.gnuplotScript()).isNull();
    assertThat(report.hardenedAuditPassed()).as("no hardened run to fail").isTrue();

    Files.delete(out.resolve("incident/summary.json"));
    assertThat(new ReplayReport(out, 30, 100, DATE, MACHINE).hasRuns()).isFalse();
  }

  @Test
  void formatsFiguresAsThePythonDid() throws IOException {
    var json = new ObjectMapper();
    assertThat(ReplayReport.fmt(json.readTree("null"))).isEqualTo("–");
    assertThat(ReplayReport.fmt(json.readTree("1234567"))).isEqualTo("1,234,567");
    assertThat(ReplayReport.fmt(json.readTree("2500.5"), " ms", 0)).isEqualTo("2,500 ms");
    assertThat(ReplayReport.fmt(json.readTree("1234.25"), "", 1)).isEqualTo("1,234.2");
    assertThat(ReplayReport.fmt(json.readTree("0.99955"), "%", 2)).isEqualTo("99.95%");   // 99.95499.. in binary
    assertThat(ReplayReport.fmt(json.readTree("0.5"), "%", 0)).isEqualTo("50.0%");
    assertThat(ReplayReport.fmt(json.readTree("7"), "%", 0)).isEqualTo("7%");
  }
}
