package shop.orders.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lints the committed contract with Spectral's spectral:oas rules and the OWASP API Security ruleset
 * (tools/contract/.spectral.yaml): no error and no warning may remain; a rule that does not apply is turned off in
 * that file with its reason. Needs {@code npm ci} in tools/contract (.ci/run does it).
 */
class SpectralTests {
  static final Path TOOLS = Path.of("tools/contract");

  @Test
  void theContractPassesSpectralWithoutWarnings() throws IOException, InterruptedException {
    assertThat(TOOLS.resolve("node_modules/.bin/spectral"))
        .as("Spectral is not installed: run `npm ci --prefix tools/contract` (.ci/run does)").exists();
    var process = new ProcessBuilder("npx", "--no-install", "spectral", "lint", "--fail-severity=warn",
        "--ruleset", ".spectral.yaml", "--format", "text", "../../" + OpenApiDocumentTests.COMMITTED)
        .directory(TOOLS.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("spectral finished").isTrue();
    assertThat(process.exitValue()).as("spectral lint " + OpenApiDocumentTests.COMMITTED + ":\n" + output).isZero();
  }
}
