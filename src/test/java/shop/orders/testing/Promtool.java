package shop.orders.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Prometheus' promtool for the tests of ops/ (Debian package prometheus; .ci/run installs it) and fails the
 * test, with promtool's output, when it exits non-zero.
 */
public final class Promtool {
  private Promtool() {
  }

  /** Runs {@code promtool args...} in {@code directory} and returns what it printed. */
  public static String run(Path directory, String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is missing: apt-get install prometheus", e);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
