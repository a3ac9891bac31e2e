package shop.orders.ops;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shop.orders.testing.DatabaseProxy;
import shop.orders.testing.Metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/**
 * The paths and port the Kubernetes probes use: liveness answers 200 even when the database is unreachable (a
 * restart would not bring it back), readiness then says 503 so traffic goes elsewhere, and both recover.
 */
@QuarkusTest
@WithTestResource(DatabaseProxy.class)
class ProbeContractTests {

  @AfterEach
  void bringTheDatabaseBack() throws Exception {
    DatabaseProxy.current().restore();
    awaitReady();
  }

  @Test
  void probesAnswerOnTheManagementPort() {
    Metrics.management().get("/q/health/started").then().statusCode(200);
    Metrics.management().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    Metrics.management().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
  }

  @Test
  void withoutTheDatabaseLivenessStaysUpAndReadinessGoesDownThenRecovers() throws Exception {
    DatabaseProxy.current().cut();

    Metrics.management().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    Metrics.management().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"));

    DatabaseProxy.current().restore();
    awaitReady();
  }

  /** Broken pooled connections are dropped as they fail: a few probe periods, bounded to 15 s here. */
  private static void awaitReady() throws InterruptedException {
    int status = 0;
    for (int i = 0; i < 30 && status != 200; i++) {
      status = Metrics.management().get("/q/health/ready").then().extract().statusCode();
      if (status != 200) {
        Thread.sleep(500);
      }
    }
    Metrics.management().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
  }
}
