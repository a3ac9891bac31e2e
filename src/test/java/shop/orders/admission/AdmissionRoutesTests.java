package shop.orders.admission;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.orders.admission.Route.ORDER_WRITE;
import static shop.orders.admission.Route.OTHER;
import static shop.orders.admission.Route.PRIORITY;
import static shop.orders.admission.Route.READ;

/**
 * Which requests the door guards: only work that needs a pooled connection; the reserve only for moving money. The
 * table is built from every resource class of the service, as at start-up, so a resource method under /api without
 * {@link Admitted} fails here, named, and a new endpoint or a changed route fails {@link #everyEndpointKeepsItsRoute}
 * until its line below says what it takes.
 */
class AdmissionRoutesTests {
  static final Set<Class<?>> RESOURCES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("shop.orders").stream()
      .filter(c -> !c.isInterface() && isResource(c))
      .map(JavaClass::reflect).collect(Collectors.toSet());

  /** Built for each test, so a method without a route fails each with the method's name, not the class's loading. */
  private final AdmissionRoutes routes = AdmissionRoutes.of(RESOURCES);

  private static boolean isResource(JavaClass type) {
    return type.isAnnotatedWith(Path.class)
        || type.getAllRawSuperclasses().stream().anyMatch(c -> c.isAnnotatedWith(Path.class));
  }

  /** An endpoint: its method and template, a request to it, the route it takes and whether it needs no token. */
  record Endpoint(HttpMethod method, String template, String example, Route route, boolean open) {
    String entry() {
      return method.name() + " " + template + " " + route + (open ? " public" : "");
    }
  }

  static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint(HttpMethod.GET, "/api/products", "/api/products", READ, true),
      new Endpoint(HttpMethod.GET, "/api/products/{sku}", "/api/products/SKU-00001", OTHER, true),
      new Endpoint(HttpMethod.PUT, "/api/products/{sku}", "/api/products/SKU-1", ORDER_WRITE, false),
      new Endpoint(HttpMethod.POST, "/api/products/{sku}/stock-adjustments", "/api/products/SKU-1/stock-adjustments",
          ORDER_WRITE, false),
      new Endpoint(HttpMethod.GET, "/api/cart", "/api/cart", OTHER, false),
      new Endpoint(HttpMethod.DELETE, "/api/cart", "/api/cart", OTHER, false),
      new Endpoint(HttpMethod.PUT, "/api/cart/items/{sku}", "/api/cart/items/SKU-00001", OTHER, false),
      new Endpoint(HttpMethod.DELETE, "/api/cart/items/{sku}", "/api/cart/items/SKU-00001", OTHER, false),
      new Endpoint(HttpMethod.POST, "/api/cart/checkout", "/api/cart/checkout", ORDER_WRITE, false),
      new Endpoint(HttpMethod.POST, "/api/orders", "/api/orders", ORDER_WRITE, false),
      new Endpoint(HttpMethod.GET, "/api/orders", "/api/orders", READ, false),
      new Endpoint(HttpMethod.GET, "/api/orders/{id}", "/api/orders/0b6f", READ, false),
      new Endpoint(HttpMethod.POST, "/api/orders/{id}/cancel", "/api/orders/0b6f/cancel", PRIORITY, false),
      new Endpoint(HttpMethod.POST, "/api/orders/{id}/payment", "/api/orders/0b6f/payment", PRIORITY, false),
      new Endpoint(HttpMethod.GET, "/api/orders/{id}/payment", "/api/orders/0b6f/payment", READ, false),
      new Endpoint(HttpMethod.POST, "/api/payments/webhook", "/api/payments/webhook", PRIORITY, true));

  private Route classify(HttpMethod method, String path) {
    return routes.classify(method, path).route();
  }

  @Test
  void theCodeHasResourcesToClassify() {
    assertThat(RESOURCES).as("resource classes found in the code").hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void everyEndpointKeepsItsRoute() {
    List<String> declared = routes.entries().stream().map(e -> e.httpMethod() + " " + e.template() + " "
        + e.match().route() + (e.match().open() ? " public" : "")).sorted().toList();
    List<String> pinned = ENDPOINTS.stream().map(Endpoint::entry).sorted().toList();
    assertThat(declared).as("the resource methods' @Admitted routes (public: @PermitAll)").isEqualTo(pinned);
    for (Endpoint endpoint : ENDPOINTS) {
      assertThat(routes.classify(endpoint.method(), endpoint.example()))
          .as(endpoint.method() + " " + endpoint.example())
          .isEqualTo(new AdmissionRoutes.Match(endpoint.route(), endpoint.open()));
      if (endpoint.method() == HttpMethod.GET) {
        assertThat(routes.classify(HttpMethod.HEAD, endpoint.example())).as("HEAD " + endpoint.example())
            .isEqualTo(new AdmissionRoutes.Match(endpoint.route(), endpoint.open()));
      }
    }
  }

  @Test
  void readsServedFromMemoryOrRedisTakeNoPlace() {
    assertThat(classify(HttpMethod.GET, "/api/products/SKU-00001")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.GET, "/api/cart")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.PUT, "/api/cart/items/SKU-00001")).isEqualTo(OTHER);
    assertThat(classify(HttpMethod.DELETE, "/api/cart")).isEqualTo(OTHER);
  }

  @Test
  void readsThatNeedTheDatabaseShareTheReadPlaces() {
    assertThat(classify(HttpMethod.GET, "/api/products")).isEqualTo(READ);
    assertThat(classify(HttpMethod.GET, "/api/orders")).isEqualTo(READ);
    assertThat(classify(HttpMethod.GET, "/api/orders/0b6f/payment")).as("not the payments' reserve").isEqualTo(READ);
  }

  @Test
  void onlyWhatMovesMoneyUsesTheReserve() {
    assertThat(classify(HttpMethod.POST, "/api/orders/0b6f/payment")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/orders/0b6f/cancel")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/payments/webhook")).isEqualTo(PRIORITY);
    assertThat(classify(HttpMethod.POST, "/api/orders")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.POST, "/api/cart/checkout")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.PUT, "/api/products/SKU-1")).isEqualTo(ORDER_WRITE);
    assertThat(classify(HttpMethod.GET, "/q/health/ready")).isEqualTo(OTHER);
  }

  @Test
  void onlyTheCatalogIsReadWithoutAToken() {
    assertThat(routes.classify(HttpMethod.GET, "/api/products").open()).isTrue();
    assertThat(routes.classify(HttpMethod.HEAD, "/api/products").open()).isTrue();
    assertThat(routes.classify(HttpMethod.PUT, "/api/products/SKU-1").open()).as("an operator's write").isFalse();
    assertThat(routes.classify(HttpMethod.GET, "/api/orders").open()).isFalse();
  }

  @Test
  void whatNoResourceMethodServesPassesToItsNotFoundOrNotAllowed() {
    assertThat(classify(HttpMethod.POST, "/api/orders/0b6f/refund")).as("404").isEqualTo(OTHER);
    assertThat(classify(HttpMethod.DELETE, "/api/orders/0b6f")).as("405").isEqualTo(OTHER);
    assertThat(classify(HttpMethod.GET, "/api/products/a/b")).as("404").isEqualTo(OTHER);
    assertThat(classify(HttpMethod.OPTIONS, "/api/orders")).as("a CORS preflight").isEqualTo(OTHER);
  }
}
