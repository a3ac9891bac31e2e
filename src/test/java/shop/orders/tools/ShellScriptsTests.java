package shop.orders.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Bash scripts in bin/ and .ci/run: shellcheck finds nothing in them (Debian package shellcheck; .ci/run installs
 * it), each sources bin/lib.sh, and none defines again a helper bin/lib.sh holds.
 */
class ShellScriptsTests {
  private static final Path LIB = Path.of("bin", "lib.sh");
  private static final Pattern FUNCTION = Pattern.compile("(?m)^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\(\\)\\s*\\{");

  @Test
  void shellcheckFindsNothing() throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("shellcheck", "-x"));
    command.add(LIB.toString());
    scripts().forEach(script -> command.add(script.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("shellcheck is missing: apt-get install shellcheck", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("shellcheck finished").isTrue();
    assertThat(process.exitValue()).as("shellcheck -x %s\n%s", String.join(" ", command.subList(2, command.size())),
        output).isZero();
  }

  @Test
  void everyScriptSourcesTheSharedHelpers() throws IOException {
    for (Path script : scripts()) {
      assertThat(Files.readString(script)).as(script.toString()).containsPattern("(?m)^\\. (bin/lib\\.sh|\"\\$\\(dirname \"\\$0\"\\)/lib\\.sh\")$");
    }
  }

  @Test
  void noScriptDefinesAgainAHelperOfTheLibrary() throws IOException {
    Set<String> shared = functions(Files.readString(LIB));
    assertThat(shared).contains("die", "run_wrk", "wait_http", "use_jdk", "free_port");
    for (Path script : scripts()) {
      assertThat(functions(Files.readString(script))).as(script + " defines a helper of bin/lib.sh")
          .doesNotContainAnyElementsOf(shared);
    }
  }

  /** .ci/run and every file in bin/ that starts with a Bash shebang. */
  static List<Path> scripts() throws IOException {
    var scripts = new ArrayList<Path>();
    try (Stream<Path> files = Files.list(Path.of("bin"))) {
      for (Path file : files.sorted().toList()) {
        if (Files.isRegularFile(file) && firstLine(file).matches("#!.*\\bbash\\b.*")) {
          scripts.add(file);
        }
      }
    }
    scripts.add(Path.of(".ci", "run"));
    assertThat(scripts).as("Bash scripts in bin/").hasSizeGreaterThan(5);
    return scripts;
  }

  private static String firstLine(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      return lines.findFirst().orElse("");
    }
  }

  private static Set<String> functions(String source) {
    var names = new TreeSet<String>();
    Matcher m = FUNCTION.matcher(source);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
