package shop.orders;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies between packages go one way: payment and cart use order, order uses catalog, every capability uses the
 * shared packages (common, ops), and nothing points back. A change that makes order call payment, or catalog know
 * orders, fails here.
 */
class PackageDependencyTests {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("shop.orders");

  @Test
  void capabilitiesDependOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("payment").definedBy("shop.orders.payment..")
        .layer("cart").definedBy("shop.orders.cart..")
        .layer("order").definedBy("shop.orders.order..")
        .layer("catalog").definedBy("shop.orders.catalog..")
        .layer("shared").definedBy("shop.orders.common..", "shop.orders.ops..")
        .whereLayer("payment").mayNotBeAccessedByAnyLayer()
        .whereLayer("cart").mayNotBeAccessedByAnyLayer()
        .whereLayer("order").mayOnlyBeAccessedByLayers("payment", "cart")
        .whereLayer("catalog").mayOnlyBeAccessedByLayers("order", "cart")
        .check(MAIN);
  }

  @Test
  void sharedPackagesKnowNoCapability() {
    noClasses().that().resideInAnyPackage("shop.orders.common..", "shop.orders.ops..")
        .should().dependOnClassesThat().resideInAnyPackage("shop.orders.catalog..", "shop.orders.order..",
            "shop.orders.cart..", "shop.orders.payment..")
        .check(MAIN);
  }

  @Test
  void noCycles() {
    slices().matching("shop.orders.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
