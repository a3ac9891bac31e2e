package shop.orders.admission;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the door's route table reads resource classes and matches a request against them (fixtures, no boot). The
 * fixtures are resource classes a boot test would serve; {@link #FIXTURES} keeps them out of the service.
 */
class AdmissionRouteTableTests {
  /** A build property nobody sets: Quarkus REST and the OpenAPI document leave out classes that need it. */
  static final String FIXTURES = "admission.route-table-fixtures";

  @IfBuildProperty(name = FIXTURES, stringValue = "served")
  @Path("/api/things")
  @Authenticated
  static class Things {
    @GET
    @Admitted(Route.READ)
    public void list() {}

    @GET
    @Path("/{id}")
    @Admitted(Route.OTHER)
    public void get() {}

    @POST
    @Path("/{id}/pay")
    @Admitted(Route.PRIORITY)
    public void pay() {}

    @GET
    @Path("/special")
    @PermitAll
    @Admitted(Route.ORDER_WRITE)
    public void special() {}

    @PUT
    @Path("{code: [0-9]{3}}/")
    @Admitted(Route.ORDER_WRITE)
    public void put() {}

    public void notAResourceMethod() {}
  }

  @IfBuildProperty(name = FIXTURES, stringValue = "served")
  @Path("api/open/")
  @PermitAll
  static class Open {
    @GET
    @Admitted(Route.READ)
    public void read() {}

    @DELETE
    @RolesAllowed("admin")
    @Admitted(Route.ORDER_WRITE)
    public void delete() {}
  }

  @IfBuildProperty(name = FIXTURES, stringValue = "served")
  @Path("/api/forgotten")
  static class Forgotten {
    @GET
    @Admitted(Route.READ)
    public void fine() {}

    @POST
    @Path("/{id}")
    public void forgot() {}
  }

  @IfBuildProperty(name = FIXTURES, stringValue = "served")
  @Path("/outside")
  static class Outside {
    @GET
    public void notTheDoorsBusiness() {}
  }

  @IfBuildProperty(name = FIXTURES, stringValue = "served")
  static class Inherits extends Things {
    @Override
    public void list() {}   // no JAX-RS annotation: inherits the superclass's, @Admitted included
  }

  private final AdmissionRoutes routes = AdmissionRoutes.of(List.of(Things.class, Open.class, Outside.class));

  private Route route(HttpMethod method, String path) {
    return routes.classify(method, path).route();
  }

  @Test
  void aTemplateVariableIsOneSegment() {
    assertThat(route(HttpMethod.GET, "/api/things/42")).isEqualTo(Route.OTHER);
    assertThat(route(HttpMethod.POST, "/api/things/42/pay")).isEqualTo(Route.PRIORITY);
    assertThat(route(HttpMethod.GET, "/api/things")).isEqualTo(Route.READ);
    assertThat(routes.classify(HttpMethod.POST, "/api/things/4/2/pay")).isEqualTo(AdmissionRoutes.Match.OTHER);
  }

  @Test
  void aRegexTemplateMatchesItsRegexOnly() {
    assertThat(route(HttpMethod.PUT, "/api/things/123")).isEqualTo(Route.ORDER_WRITE);
    assertThat(route(HttpMethod.PUT, "/api/things/1234")).isEqualTo(Route.OTHER);
    assertThat(route(HttpMethod.PUT, "/api/things/abc")).isEqualTo(Route.OTHER);
  }

  @Test
  void moreLiteralCharactersWinOverAVariable() {
    assertThat(route(HttpMethod.GET, "/api/things/special")).isEqualTo(Route.ORDER_WRITE);
    assertThat(route(HttpMethod.GET, "/api/things/specials")).isEqualTo(Route.OTHER);
  }

  @Test
  void headIsServedByGetAndOptionsByNobody() {
    assertThat(route(HttpMethod.HEAD, "/api/things")).isEqualTo(Route.READ);
    assertThat(route(HttpMethod.OPTIONS, "/api/things")).isEqualTo(Route.OTHER);
  }

  @Test
  void whatMatchesNoResourceMethodPassesToItsNotFoundOrNotAllowed() {
    assertThat(route(HttpMethod.DELETE, "/api/things/42")).as("405").isEqualTo(Route.OTHER);
    assertThat(route(HttpMethod.POST, "/api/nothing")).as("404").isEqualTo(Route.OTHER);
    assertThat(route(HttpMethod.GET, "/q/health")).isEqualTo(Route.OTHER);
    assertThat(routes.classify(HttpMethod.GET, null)).isEqualTo(AdmissionRoutes.Match.OTHER);
  }

  @Test
  void matrixParametersAndATrailingSlashDoNotGetPastTheDoor() {
    assertThat(route(HttpMethod.GET, "/api/things/")).isEqualTo(Route.READ);
    assertThat(route(HttpMethod.GET, "/api/things;x=1")).isEqualTo(Route.READ);
    assertThat(route(HttpMethod.POST, "/api/things/42;a=b/pay;c")).isEqualTo(Route.PRIORITY);
  }

  @Test
  void publicIsWhatPermitAllLetsThroughMethodOverClass() {
    assertThat(routes.classify(HttpMethod.GET, "/api/things").open()).as("@Authenticated class").isFalse();
    assertThat(routes.classify(HttpMethod.GET, "/api/things/special").open()).as("@PermitAll method").isTrue();
    assertThat(routes.classify(HttpMethod.GET, "/api/open").open()).as("@PermitAll class").isTrue();
    assertThat(routes.classify(HttpMethod.DELETE, "/api/open").open()).as("@RolesAllowed over the class")
        .isFalse();
  }

  @Test
  void pathsJoinWithOneSlashAndNoTrailingOne() {
    assertThat(routes.entries()).extracting(AdmissionRoutes.Entry::template)
        .contains("/api/things/{code: [0-9]{3}}", "/api/open");
  }

  @Test
  void anInheritedResourceMethodKeepsItsRoute() {
    var inherited = AdmissionRoutes.of(List.of(Inherits.class));
    assertThat(inherited.classify(HttpMethod.GET, "/api/things").route()).isEqualTo(Route.READ);
    assertThat(inherited.entries()).hasSize(5);
  }

  @Test
  void aResourceMethodUnderApiWithoutARouteStopsTheStartNamingIt() {
    assertThatThrownBy(() -> AdmissionRoutes.of(List.of(Things.class, Forgotten.class)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("POST /api/forgotten/{id} (" + Forgotten.class.getName() + ".forgot)")
        .message().doesNotContain(".fine", ".list");
  }
}
