package shop.orders.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/** Health and metrics live on the management interface (9001 in tests), apart from the API. */
@QuarkusTest
class ManagementTests {
  private static final int MANAGEMENT_PORT = 9001;

  @Test
  void livenessChecksNothingExternal() {
    given().port(MANAGEMENT_PORT).when().get("/q/health/live")
        .then().statusCode(200).body("status", is("UP"), "checks.name", org.hamcrest.Matchers.not(hasItem(
            containsString("Database"))));
  }

  @Test
  void readinessChecksTheDatabase() {
    given().port(MANAGEMENT_PORT).when().get("/q/health/ready")
        .then().statusCode(200).body("status", is("UP"), "checks.name", hasItem(containsString("Database")));
  }

  @Test
  void metricsShowThePool() {
    given().port(MANAGEMENT_PORT).when().get("/q/metrics")
        .then().statusCode(200).body(containsString("agroal_active_count"), containsString("agroal_awaiting_count"));
  }

  @Test
  void redisShowsInItsOwnHealthGroupAndMetricsButNotInReadiness() {
    given().get("/api/products/{sku}", "NO-SUCH-SKU").then().statusCode(404);   // one Redis call at least
    given().port(MANAGEMENT_PORT).when().get("/q/health/group/redis")
        .then().statusCode(200).body("checks[0].name", is("redis"), "checks[0].data.breaker", is("CLOSED"));
    given().port(MANAGEMENT_PORT).when().get("/q/health/ready")
        .then().body("checks.name", org.hamcrest.Matchers.not(hasItem("redis")));
    given().port(MANAGEMENT_PORT).when().get("/q/metrics")
        .then().statusCode(200).body(containsString("redis_pool_"), containsString("redis_breaker_open{"),
            containsString("catalog_cache_requests_total{"));
  }

  @Test
  void httpLatencyHasSloBuckets() {
    given().get("/api/products?limit=1").then().statusCode(200);
    given().port(MANAGEMENT_PORT).when().get("/q/metrics")
        .then().statusCode(200).body(containsString("http_server_requests_seconds_bucket"), containsString("le=\"0.05\""));
  }

  @Test
  void openApiDescribesTheOrderApi() {
    given().port(MANAGEMENT_PORT).accept("application/json").when().get("/q/openapi")
        .then().statusCode(200).body(containsString("/api/orders"));
  }
}
