package shop.orders.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.util.Arrays;

/**
 * The management interface of the service under test (its port is random: quarkus.management.test-port=0) and the
 * one reader of its Prometheus page, so no test parses {@code /q/metrics} by hand.
 */
public final class Metrics {
  private Metrics() {
  }

  /** The management interface's actual port in this test run. */
  public static int managementPort() {
    String given = System.getProperty(ManagementPort.PROPERTY);
    return given != null ? Integer.parseInt(given) : URI.create(TestHTTPResourceManager.getManagementUri()).getPort();
  }

  /** A request to the management interface (health, metrics, OpenAPI). */
  public static RequestSpecification management() {
    return RestAssured.given().port(managementPort());
  }

  /** The service's Prometheus page now. */
  public static String page() {
    return management().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  /** The sum of every sample of {@code name} whose labels contain all of {@code labels} (e.g. {@code use="cart"}). */
  public static double sum(String name, String... labels) {
    return sumIn(page(), name, labels);
  }

  /** The same, read from a page fetched elsewhere (a packaged service started by the test). */
  public static double sumIn(String page, String name, String... labels) {
    return page.lines()
        .filter(line -> !line.startsWith("#"))
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(line -> Arrays.stream(labels).allMatch(label -> labelsOf(line).contains(label)))
        .mapToDouble(line -> value(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A sample's value in the exposition format, which spells infinities {@code +Inf} and {@code -Inf}. */
  static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static String labelsOf(String line) {
    int open = line.indexOf('{');
    return open < 0 ? "" : line.substring(open, line.lastIndexOf('}') + 1);
  }
}
