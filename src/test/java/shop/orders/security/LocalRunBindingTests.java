package shop.orders.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run signs its tokens with a key committed to the repository, so it listens on loopback only: the API and
 * the management interface, as application.properties resolves them in the local profile (checked from outside
 * with ss: 127.0.0.1 only, the machine's own address refused). Other profiles keep Quarkus' default (every interface,
 * as a pod must).
 */
class LocalRunBindingTests {
  private static SmallRyeConfig config(String profile) throws IOException {
    URL properties = LocalRunBindingTests.class.getResource("/application.properties");
    return new SmallRyeConfigBuilder().withProfile(profile).addDefaultInterceptors()
        .withSources(new PropertiesConfigSource(properties, 250)).build();
  }

  @Test
  void theLocalRunListensOnLoopbackOnly() throws IOException {
    SmallRyeConfig local = config("local");
    assertThat(local.getValue("quarkus.http.host", String.class)).isEqualTo("127.0.0.1");
    assertThat(local.getValue("quarkus.management.host", String.class)).isEqualTo("127.0.0.1");
  }

  @Test
  void productionKeepsEveryInterface() throws IOException {
    assertThat(config("prod").getOptionalValue("quarkus.http.host", String.class)).isEmpty();
  }
}
