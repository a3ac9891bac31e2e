package shop.orders.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Draws a chart by feeding a script to gnuplot (Debian's gnuplot-nox); the reports' one way to it. */
final class Gnuplot {
  private Gnuplot() {
  }

  /**
   * Runs {@code script}; a missing or failing gnuplot leaves a note on stderr under {@code tool}'s name, not a
   * failure (the figures are in the report's text either way).
   */
  static void draw(String script, String tool) throws InterruptedException {
    try {
      Process gnuplot = new ProcessBuilder("gnuplot").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try (var stdin = gnuplot.getOutputStream()) {
        stdin.write(script.getBytes(StandardCharsets.UTF_8));
      }
      String errors = new String(gnuplot.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (gnuplot.waitFor() != 0) {
        System.err.println(tool + ": no chart: " + errors);
      }
    } catch (IOException e) {
      System.err.println(tool + ": no chart: " + e.getMessage());
    }
  }
}
