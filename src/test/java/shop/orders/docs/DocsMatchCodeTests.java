package shop.orders.docs;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs say what the code has, so they cannot drift from it unnoticed: every key of every {@code @ConfigMapping}
 * and every environment variable application.properties reads is in the configuration reference
 * (docs/configuration.md), every alert of the rules file has its section in the runbook (ops/runbook.md), and every
 * package of the service is on the architecture page (docs/architecture.md).
 */
class DocsMatchCodeTests {
  private static final List<JavaClass> MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("shop.orders").stream().toList();

  /** Every key the service's own configuration mappings read, e.g. order.payment-window. */
  static TreeSet<String> configKeys() {
    var keys = new TreeSet<String>();
    MAIN.stream().filter(c -> c.isAnnotatedWith(ConfigMapping.class)).forEach(c ->
        keys.addAll(ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(c.reflect())).keySet()));
    return keys;
  }

  @Test
  void everyConfigurationKeyIsInTheReference() throws IOException {
    assertEachNamedOn("docs/configuration.md", "keys of @ConfigMapping interfaces", configKeys(), 50);
  }

  @Test
  void everyEnvironmentVariableOfTheConfigurationIsInTheReference() throws IOException {
    String properties = Files.readString(Path.of("src/main/resources/application.properties"));
    var variables = new TreeSet<String>();
    Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(properties).results()
        .forEach(m -> variables.add(m.group(1)));
    assertEachNamedOn("docs/configuration.md", "environment variables of application.properties", variables, 10);
  }

  @Test
  void everyAlertHasItsRunbookSectionAndItsRowOnTheOperationsPage() throws IOException {
    String rules = Files.readString(Path.of("ops/prometheus/alerts.yml"));
    String runbook = Files.readString(Path.of("ops/runbook.md"));
    String operations = Files.readString(Path.of("docs/operations.md"));
    var alerts = Pattern.compile("(?m)^\\s+- alert: (\\w+)$").matcher(rules).results().map(m -> m.group(1)).toList();
    assertThat(alerts).as("the rules file's alerts").hasSizeGreaterThan(10);
    assertThat(alerts.stream().filter(alert -> !runbook.contains("**" + alert + "**")).toList())
        .as("alerts without a section of ops/runbook.md that names them in bold").isEmpty();
    var tableRows = operations.lines().filter(l -> l.strip().startsWith("|")).toList();
    assertThat(alerts.stream().filter(alert -> tableRows.stream().noneMatch(row -> row.contains(alert))).toList())
        .as("alerts missing from the table of docs/operations.md").isEmpty();
  }

  @Test
  void everyPackageAndEverySqlClassIsOnTheArchitecturePage() throws IOException {
    var packages = new TreeSet<String>();
    MAIN.forEach(c -> packages.add(c.getPackageName().replaceFirst("^shop\\.orders\\.?", "")));
    packages.remove("");
    assertEachNamedOn("docs/architecture.md", "packages of the service", packages, 10);
    var sqlClasses = MAIN.stream().filter(c -> c.getSimpleName().endsWith("Rows") && c.getEnclosingClass().isEmpty())
        .map(c -> c.getPackageName().replaceFirst("^shop\\.orders\\.", "") + "." + c.getSimpleName()).toList();
    assertEachNamedOn("docs/architecture.md", "*Rows classes (hand-written SQL), as `package.Class`,", sqlClasses, 0);
  }

  /**
   * Each of {@code names} (more than {@code atLeast} of them, so a broken lookup cannot pass) is on the page as
   * `name`.
   */
  private static void assertEachNamedOn(String page, String what, Collection<String> names, int atLeast)
      throws IOException {
    String text = Files.readString(Path.of(page));
    assertThat(names).as(what).hasSizeGreaterThan(atLeast);
    assertThat(names.stream().filter(name -> !text.contains("`" + name + "`")).toList())
        .as(what + " missing from " + page + " (each as `name`)").isEmpty();
  }

  public static void main(String[] args) {
    configKeys().forEach(System.out::println);
  }
}
