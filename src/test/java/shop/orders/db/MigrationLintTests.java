package shop.orders.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lints the Flyway migrations with squawk (squawk-cli, pinned in tools/contract; needs {@code npm ci} there, which
 * .ci/run does) and its configuration tools/contract/.squawk.toml: every migration from V8 on must pass. The fixtures
 * in src/test/resources/db show that the lint does fail: each unsafe migration is reported with its rule, and the
 * safe forms pass.
 *
 * <p>Flyway runs a file in one transaction unless it holds a statement PostgreSQL refuses in one; squawk lints every
 * file as transactional (assume_in_transaction) except those marked {@value #OUTSIDE_A_TRANSACTION}, and the mark
 * must be on exactly the files Flyway runs outside a transaction.
 */
class MigrationLintTests {
  static final Path TOOLS = Path.of("tools/contract");
  static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
  static final Path UNSAFE = Path.of("src/test/resources/db/unsafe-migrations");
  static final Path SAFE = Path.of("src/test/resources/db/safe-migrations");

  /** The first version linted. */
  static final int FIRST_LINTED = 8;
  /**
   * The migrations that predate the lint, not linted: they have run on every database already. What squawk 2.66.0
   * reports on them with .squawk.toml (line numbers from 1):
   * <ul>
   * <li>V1: require-lock-timeout and require-statement-timeout (line 24, the first index);
   * <li>V2: require-lock-timeout and require-statement-timeout (line 7, dropping the foreign key),
   * require-concurrent-index-creation (line 8, order_line_by_sku);
   * <li>V3: require-lock-timeout and require-statement-timeout (line 2);
   * <li>V4: require-lock-timeout and require-statement-timeout (line 2), constraint-missing-not-valid (line 3, the
   * status CHECK with REFUNDED);
   * <li>V5: require-lock-timeout and require-statement-timeout (line 4), constraint-missing-not-valid (line 5, the
   * status CHECK with REVERSING and REVERSED), adding-not-nullable-field (lines 13 and 21, SET NOT NULL on
   * payment.not_found_final_at and refund.not_found_final_at);
   * <li>V6: require-lock-timeout and require-statement-timeout (line 3);
   * <li>V7: require-lock-timeout and require-statement-timeout (line 4).
   * </ul>
   * Without the configuration (each file linted as if run outside a transaction, every rule on) it reports 90:
   * prefer-robust-stmts 31, prefer-text-field 18, require-concurrent-index-creation 10, require-lock-timeout 7,
   * require-statement-timeout 7, ban-char-field 5, prefer-bigint-over-int 5, prefer-bigint-over-smallint 2,
   * constraint-missing-not-valid 2, adding-not-nullable-field 2, prefer-identity 1.
   */
  static final List<String> BEFORE_THE_LINT = List.of(
      "V1__catalog_orders_idempotency.sql",
      "V2__order_line_without_product_lock.sql",
      "V3__payments.sql",
      "V4__refunds.sql",
      "V5__late_charges.sql",
      "V6__purchase_limits.sql",
      "V7__order_events.sql");

  /** Each unsafe fixture and the one rule squawk must report it with. */
  static final Map<String, String> UNSAFE_RULES = Map.of(
      "add_not_null_column_without_default.sql", "adding-required-field",
      "set_not_null_on_existing_column.sql", "adding-not-nullable-field",
      "create_index_without_concurrently.sql", "require-concurrent-index-creation",
      "narrow_check_constraint_without_not_valid.sql", "constraint-missing-not-valid",
      "validate_in_the_same_file.sql", "constraint-missing-not-valid",
      "without_lock_timeout.sql", "require-lock-timeout",
      "without_statement_timeout.sql", "require-statement-timeout",
      "concurrent_index_in_a_transactional_file.sql", "ban-concurrent-index-creation-in-transaction");

  /** A Flyway versioned migration: V, the version (its first part parsed), two underscores, a description. */
  static final Pattern VERSIONED = Pattern.compile("V(\\d+)(?:[._]\\d+)*__.+\\.sql");
  /** Squawk's per-file override of assume_in_transaction. */
  static final String OUTSIDE_A_TRANSACTION = "-- squawk-disable-assume-in-transaction";
  /**
   * The statements Flyway 12 (PostgreSQLParser) runs outside a transaction, which makes it run the whole file so;
   * ALTER TYPE ... ADD VALUE is one only before PostgreSQL 12.
   */
  static final Pattern FLYWAY_OUTSIDE_A_TRANSACTION = Pattern.compile("^(?:(?:CREATE|DROP) (?:DATABASE|TABLESPACE"
      + "|SUBSCRIPTION)|ALTER SYSTEM|(?:CREATE|DROP)(?: UNIQUE)? INDEX CONCURRENTLY|REINDEX(?: VERBOSE)? (?:SCHEMA"
      + "|DATABASE|SYSTEM)|VACUUM|DISCARD ALL)");

  record Violation(String file, int line, String rule, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + rule + ": " + message;
    }
  }

  /** Squawk's exit code, its violations (from its JSON report) and all it printed, for failure messages. */
  record Report(int exit, List<Violation> violations, String output) {
    Map<String, Set<String>> rulesByFile() {
      return violations.stream().collect(Collectors.groupingBy(Violation::file, TreeMap::new,
          Collectors.mapping(Violation::rule, Collectors.toCollection(TreeSet::new))));
    }

    String describe() {
      return violations.stream().map(Violation::toString).collect(Collectors.joining("\n", "", "\n")) + output;
    }
  }

  @BeforeAll
  static void squawkIsInstalled() throws IOException, InterruptedException {
    assertThat(TOOLS.resolve("node_modules/.bin/squawk"))
        .as("squawk is not installed: run `npm ci --prefix tools/contract` (.ci/run does)").exists();
    var process = new ProcessBuilder("npx", "--no-install", "squawk", "--version").directory(TOOLS.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("squawk --version finished").isTrue();
    assertThat(process.exitValue()).as("squawk --version:\n" + output).isZero();
  }

  @Test
  void everyMigrationFromV8OnPassesSquawk() throws IOException, InterruptedException {
    List<Path> before = new ArrayList<>();
    List<Path> linted = new ArrayList<>();
    for (Path migration : sqlFiles(MIGRATIONS)) {
      Matcher name = VERSIONED.matcher(migration.getFileName().toString());
      assertThat(name.matches()).as(migration + " is named V<version>__<description>.sql").isTrue();
      (Integer.parseInt(name.group(1)) < FIRST_LINTED ? before : linted).add(migration);
    }
    assertThat(before).as("the migrations before V" + FIRST_LINTED + ", which are not linted")
        .map(path -> path.getFileName().toString()).containsExactlyElementsOf(BEFORE_THE_LINT);
    if (linted.isEmpty()) {
      return;
    }
    Report report = squawk(linted);
    assertThat(report.violations()).as("squawk on the migrations from V" + FIRST_LINTED + " on:\n" + report.describe())
        .isEmpty();
    assertThat(report.exit()).as("squawk's exit code:\n" + report.output()).isZero();
  }

  @Test
  void eachUnsafeMigrationIsReportedWithItsRule() throws IOException, InterruptedException {
    List<Path> fixtures = sqlFiles(UNSAFE);
    assertThat(fixtures).as("the unsafe fixtures, each with its expected rule")
        .map(path -> path.getFileName().toString()).containsExactlyInAnyOrderElementsOf(UNSAFE_RULES.keySet());
    Report report = squawk(fixtures);
    Map<String, Set<String>> rulesByFile = report.rulesByFile();
    UNSAFE_RULES.forEach((file, rule) -> assertThat(rulesByFile.get(file))
        .as(file + " is reported with " + rule + " and nothing else:\n" + report.describe())
        .containsExactly(rule));
    assertThat(report.exit()).as("squawk fails:\n" + report.output()).isEqualTo(1);
  }

  @Test
  void theSafeFormsPass() throws IOException, InterruptedException {
    List<Path> fixtures = sqlFiles(SAFE);
    assertThat(fixtures).as("the safe fixtures").hasSizeGreaterThanOrEqualTo(3);
    Report report = squawk(fixtures);
    assertThat(report.violations()).as("squawk on the safe forms:\n" + report.describe()).isEmpty();
    assertThat(report.exit()).as("squawk's exit code:\n" + report.output()).isZero();
  }

  @Test
  void aFileIsLintedOutsideATransactionExactlyWhenFlywayRunsItOutsideOne() throws IOException {
    // the check itself: the concurrent index fixtures are seen as Flyway sees them, the other safe ones not
    assertThat(flywayRunsOutsideATransaction(SAFE.resolve("V103__index_concurrently.sql"))).isTrue();
    assertThat(flywayRunsOutsideATransaction(UNSAFE.resolve("concurrent_index_in_a_transactional_file.sql"))).isTrue();
    assertThat(flywayRunsOutsideATransaction(SAFE.resolve("V101__add_columns_and_constraints_not_valid.sql")))
        .isFalse();
    List<Path> files = new ArrayList<>(sqlFiles(SAFE));
    for (Path migration : sqlFiles(MIGRATIONS)) {
      if (!BEFORE_THE_LINT.contains(migration.getFileName().toString())) {
        files.add(migration);
      }
    }
    for (Path file : files) {
      assertThat(Files.readString(file).lines().anyMatch(line -> line.strip().equals(OUTSIDE_A_TRANSACTION)))
          .as(file + (flywayRunsOutsideATransaction(file)
              ? " runs outside a transaction (Flyway) and must say " + OUTSIDE_A_TRANSACTION
              : " runs in a transaction (Flyway) and must not say " + OUTSIDE_A_TRANSACTION))
          .isEqualTo(flywayRunsOutsideATransaction(file));
    }
  }

  /** Whether one of the file's statements is one Flyway runs outside a transaction (statements split at ';'). */
  static boolean flywayRunsOutsideATransaction(Path file) throws IOException {
    String sql = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\n]*", " ");
    return Stream.of(sql.split(";"))
        .map(statement -> statement.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT))
        .anyMatch(statement -> FLYWAY_OUTSIDE_A_TRANSACTION.matcher(statement).find());
  }

  static List<Path> sqlFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(path -> path.getFileName().toString().endsWith(".sql")).sorted().toList();
    }
  }

  /**
   * {@code npx --no-install squawk --config .squawk.toml --reporter json <files>} in tools/contract. Squawk exits 0
   * without a violation, 1 with one (or when it cannot read its configuration: then it reports nothing).
   */
  static Report squawk(List<Path> files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(
        List.of("npx", "--no-install", "squawk", "--config", ".squawk.toml", "--reporter", "json"));
    files.forEach(file -> command.add(TOOLS.toAbsolutePath().relativize(file.toAbsolutePath()).toString()));
    var process = new ProcessBuilder(command).directory(TOOLS.toFile()).start();
    CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String json = read(process.getInputStream());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("squawk finished").isTrue();
    String output = String.join(" ", command) + "\n" + json + "\n" + errors.join();
    assertThat(json).as("squawk's JSON report:\n" + output).isNotBlank();
    List<Violation> violations = new ArrayList<>();
    for (JsonNode violation : new ObjectMapper().readTree(json)) {
      // squawk's JSON counts lines from 0
      violations.add(new Violation(Path.of(violation.path("file").asText()).getFileName().toString(),
          violation.path("line").asInt() + 1, violation.path("rule_name").asText(),
          violation.path("message").asText()));
    }
    return new Report(process.exitValue(), violations, output);
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
