package shop.orders;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies between packages go one way: payment and cart use order, order uses catalog, every capability uses the
 * shared packages, and nothing points back. Each shared package may use only the shared packages its package-info
 * names (the map below says the same). A change that makes order call payment, catalog know orders, or Redis code map
 * HTTP problems of its own, fails here.
 */
class PackageDependencyTests {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("shop.orders");

  private static final List<String> CAPABILITIES = List.of("catalog", "cart", "order", "payment");

  /** Each shared package and the shared packages it may import, as its package-info.java states. */
  private static final Map<String, Set<String>> SHARED = Map.ofEntries(
      Map.entry("problem", Set.of()),
      Map.entry("security", Set.of()),
      Map.entry("time", Set.of()),
      Map.entry("money", Set.of()),
      Map.entry("ops", Set.of()),
      Map.entry("messaging", Set.of()),
      Map.entry("db", Set.of("problem", "time")),
      Map.entry("http", Set.of("problem", "db", "ops")),
      Map.entry("redis", Set.of("problem", "http")),
      Map.entry("ratelimit", Set.of("problem", "http", "redis", "security")),
      Map.entry("idempotency", Set.of("problem", "http", "db")),
      Map.entry("admission", Set.of("problem", "http", "time", "security")));

  @Test
  void capabilitiesDependOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("payment").definedBy("shop.orders.payment..")
        .layer("cart").definedBy("shop.orders.cart..")
        .layer("order").definedBy("shop.orders.order..")
        .layer("catalog").definedBy("shop.orders.catalog..")
        .layer("shared").definedBy(SHARED.keySet().stream().map(p -> "shop.orders." + p + "..").toArray(String[]::new))
        .whereLayer("payment").mayNotBeAccessedByAnyLayer()
        .whereLayer("cart").mayNotBeAccessedByAnyLayer()
        .whereLayer("order").mayOnlyBeAccessedByLayers("payment", "cart")
        .whereLayer("catalog").mayOnlyBeAccessedByLayers("order", "cart")
        .check(MAIN);
  }

  static Stream<String> sharedPackages() {
    return SHARED.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("sharedPackages")
  void sharedPackageImportsOnlyWhatItsPackageInfoAllows(String shared) {
    var forbidden = new ArrayList<String>();
    CAPABILITIES.forEach(capability -> forbidden.add("shop.orders." + capability + ".."));
    SHARED.keySet().stream().filter(other -> !other.equals(shared) && !SHARED.get(shared).contains(other))
        .forEach(other -> forbidden.add("shop.orders." + other + ".."));
    noClasses().that().resideInAPackage("shop.orders." + shared + "..")
        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
        .check(MAIN);
  }

  @Test
  void everyPackageIsKnownHere() {
    var known = new HashSet<>(SHARED.keySet());
    known.addAll(CAPABILITIES);
    noClasses().that().resideOutsideOfPackages(known.stream().map(p -> "shop.orders." + p + "..")
            .toArray(String[]::new))
        .should().resideInAPackage("shop.orders..")
        .because("a new package needs its place in the dependency rules above")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  /**
   * An aggregate's state is its package's: entities and their embedded parts have no public fields, so another
   * capability changes an order, a payment or a product only through its package's services (order.OrderPayments).
   */
  @Test
  void aggregatesKeepTheirFieldsToTheirPackage() {
    fields().that().areDeclaredInClassesThat().areAnnotatedWith(jakarta.persistence.Entity.class)
        .or().areDeclaredInClassesThat().areAnnotatedWith(jakarta.persistence.Embeddable.class)
        .should().notBePublic()
        .because("an aggregate changes only through its own package's API")
        .check(MAIN);
  }

  @Test
  void noCycles() {
    slices().matching("shop.orders.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
