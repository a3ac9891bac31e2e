package shop.orders.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/contract/validate-custom-resources.mjs: the custom resources of manifests (the chart's, its examples') against
 * their projects' schemas, the @kubernetes-models packages and the CRD schemas of tools/contract/schemas. Needs
 * {@code npm ci} in tools/contract, which .ci/run does.
 */
final class CustomResourceValidation {
  static final Path TOOLS = Path.of("tools/contract");
  private static final Pattern VALID = Pattern.compile("(?m)^(\\w+)/\\S+: valid$");
  private static final Pattern NOT_CHECKED = Pattern.compile("(?m)^(\\w+)/\\S+ \\((\\S+)\\): not checked here \\((.*)\\)$");

  private CustomResourceValidation() {
  }

  /** What the validator said: its exit status and its output (standard output and error, interleaved). */
  record Result(int exit, String output) {
    /** The kinds of the objects found valid. */
    Set<String> validKinds() {
      Set<String> kinds = new TreeSet<>();
      VALID.matcher(output).results().forEach(m -> kinds.add(m.group(1)));
      return kinds;
    }

    /** "Kind apiVersion (why)" of every object not checked. */
    List<String> notChecked() {
      List<String> objects = new ArrayList<>();
      NOT_CHECKED.matcher(output).results().forEach(m -> objects.add(m.group(1) + " " + m.group(2) + " (" + m.group(3) + ")"));
      return objects;
    }
  }

  /**
   * Validates the manifests given on standard input and the files (relative to the project), with the options
   * (--expect Kind).
   */
  static Result validate(String manifests, List<String> options, Path... files) {
    assertThat(TOOLS.resolve("node_modules/@kubernetes-models/gateway-api"))
        .as("tools/contract's packages are not installed: run `npm ci --prefix tools/contract` (.ci/run does)")
        .exists();
    List<String> command = new ArrayList<>(List.of("node", "validate-custom-resources.mjs"));
    command.addAll(options);
    command.add("-");
    for (Path file : files) {
      command.add(file.toAbsolutePath().toString());
    }
    try {
      var process = new ProcessBuilder(command).directory(TOOLS.toFile()).redirectErrorStream(true).start();
      var output = CompletableFuture.supplyAsync(() -> {
        try (var in = process.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (var in = process.getOutputStream()) {
        in.write(manifests.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("validate-custom-resources.mjs finished").isTrue();
      return new Result(process.exitValue(), output.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
