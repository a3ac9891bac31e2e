package shop.orders.admission;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running service's door uses the table AdmissionRoutesTests pins: the resource classes it finds among its beans
 * are the ones in the code, each method with its route.
 */
@QuarkusTest
class AdmissionRoutesInServiceTests {
  @Inject
  AdmissionControl admission;

  private static List<String> described(AdmissionRoutes routes) {
    return routes.entries().stream().map(e -> e.httpMethod() + " " + e.template() + " " + e.match() + " "
        + e.declaredBy()).sorted().toList();
  }

  @Test
  void theDoorKnowsEveryResourceMethodOfTheCode() {
    assertThat(described(admission.routes()))
        .isEqualTo(described(AdmissionRoutes.of(AdmissionRoutesTests.RESOURCES)))
        .hasSize(AdmissionRoutesTests.ENDPOINTS.size());
  }

  @Test
  void aPublicReadIsServedWhateverTheTokenSays() {
    given().header("Authorization", "Bearer not.a.token").when().get("/api/products").then().statusCode(200);
  }
}
