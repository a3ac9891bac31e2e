package shop.orders;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * One way to reach SQL: entities (Panache) for plain reads and writes, and hand-written SQL only in one {@code *Rows}
 * class per aggregate (ProductRows, OrderRows, OrderEventRows, GatewayRows, IdempotencyRows), whose statements are
 * constants; the table in db/package-info.java says which way serves which work.
 */
class SqlAccessTests {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("shop.orders");
  private static final Set<String> WRITES_SQL = Set.of("prepareStatement", "prepareCall", "createStatement",
      "createNativeQuery");

  @Test
  void onlyRowsClassesWriteSql() {
    noClasses().that().haveSimpleNameNotEndingWith("Rows").and().resideOutsideOfPackage("shop.orders.db..")
        .should(callSqlDirectly())
        .because("hand-written SQL lives in the aggregate's *Rows class")
        .check(MAIN);
  }

  /** A method that returns a deferred part runs nothing until the part is sent: its name says so (db/package-info). */
  @Test
  void methodsReturningADeferredPartAreNamedSo() {
    methods().that().haveRawReturnType(shop.orders.db.RoundTrip.Part.class)
        .and().areDeclaredInClassesThat().resideOutsideOfPackage("shop.orders.db..")
        .should().haveNameMatching(".*Part")
        .because("only the name tells a part sent later from a statement run now")
        .check(MAIN);
  }

  @Test
  void rowsClassesAreNotPartOfAnyApi() {
    classes().that().haveSimpleNameEndingWith("Rows").should().notBePublic().check(MAIN);
  }

  private static ArchCondition<com.tngtech.archunit.core.domain.JavaClass> callSqlDirectly() {
    return new ArchCondition<>("call JDBC statements or native queries") {
      @Override
      public void check(com.tngtech.archunit.core.domain.JavaClass item, ConditionEvents events) {
        for (JavaMethodCall call : item.getMethodCallsFromSelf()) {
          var owner = call.getTargetOwner();
          boolean sqlApi = owner.isAssignableTo(Connection.class) || owner.isAssignableTo(EntityManager.class)
              || owner.isAssignableTo(org.hibernate.query.QueryProducer.class);
          if (sqlApi && WRITES_SQL.contains(call.getName())) {
            events.add(SimpleConditionEvent.satisfied(item, call.getDescription()));
          }
        }
      }
    };
  }
}
