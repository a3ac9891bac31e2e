package shop.orders.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import shop.orders.testing.Metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/** Health and metrics live on the management interface (a random port in tests), apart from the API. */
@QuarkusTest
class ManagementTests {

  @Test
  void livenessChecksNothingExternal() {
    Metrics.management().when().get("/q/health/live")
        .then().statusCode(200).body("status", is("UP"), "checks.name", org.hamcrest.Matchers.not(hasItem(
            containsString("Database"))));
  }

  @Test
  void readinessChecksTheDatabase() {
    Metrics.management().when().get("/q/health/ready")
        .then().statusCode(200).body("status", is("UP"), "checks.name", hasItem(containsString("Database")));
  }

  @Test
  void metricsShowThePool() {
    Metrics.management().when().get("/q/metrics")
        .then().statusCode(200).body(containsString("agroal_active_count"), containsString("agroal_awaiting_count"));
  }

  @Test
  void redisShowsInItsOwnHealthGroupAndMetricsButNotInReadiness() {
    given().get("/api/products/{sku}", "NO-SUCH-SKU").then().statusCode(404);   // one Redis call at least
    Metrics.management().when().get("/q/health/group/redis")
        // the breaker's state, whatever it is now (a Redis call slowed by busy cores earlier in this application's
        // life may have opened it)
        .then().statusCode(200).body("checks[0].name", is("redis"),
            "checks[0].data.breaker", org.hamcrest.Matchers.oneOf("CLOSED", "OPEN", "HALF_OPEN"));
    Metrics.management().when().get("/q/health/ready")
        .then().body("checks.name", org.hamcrest.Matchers.not(hasItem("redis")));
    Metrics.management().when().get("/q/metrics")
        .then().statusCode(200).body(containsString("redis_pool_"), containsString("redis_breaker_open{"),
            containsString("catalog_cache_requests_total{"));
  }

  @Test
  void httpLatencyHasSloBuckets() throws InterruptedException {
    given().get("/api/products?limit=1").then().statusCode(200);
    // the request's timer is recorded when its response has ended, which a client can see first on busy cores
    for (int i = 0; i < 50 && !Metrics.page().contains("http_server_requests_seconds_bucket"); i++) {
      Thread.sleep(100);
    }
    Metrics.management().when().get("/q/metrics")
        .then().statusCode(200).body(containsString("http_server_requests_seconds_bucket"), containsString("le=\"0.05\""));
  }

  @Test
  void openApiDescribesTheOrderApi() {
    Metrics.management().accept("application/json").when().get("/q/openapi")
        .then().statusCode(200).body(containsString("/api/orders"));
  }
}
