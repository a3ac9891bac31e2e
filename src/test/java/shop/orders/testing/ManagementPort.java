package shop.orders.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * For a test of the packaged application that reads its management interface: a free port chosen here and given to
 * the application, so the test knows it ({@code @QuarkusTest} finds the random one by itself; see {@link Metrics}).
 */
public class ManagementPort implements QuarkusTestResourceLifecycleManager {
  static final String PROPERTY = "test.management-port";

  @Override
  public Map<String, String> start() {
    try {
      String port = Integer.toString(PackagedService.freePort());
      System.setProperty(PROPERTY, port);
      return Map.of("quarkus.management.port", port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    System.clearProperty(PROPERTY);
  }
}
