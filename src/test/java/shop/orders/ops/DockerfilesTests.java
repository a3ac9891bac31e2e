package shop.orders.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images' bases: a release stream given as a build argument (the pipeline passes the digest), never a moving tag,
 * and the user each image runs as is the one the chart's podSecurity values name for it.
 */
class DockerfilesTests {
  private static final Pattern BASE = Pattern.compile("(?m)^ARG BASE_IMAGE=(\\S+)$");

  @Test
  void basesAreAReleaseStreamTheBuildCanPinByDigestAndUsersMatchTheChart() throws IOException {
    Map<String, String> users = Map.of("Dockerfile.jvm", "185", "Dockerfile.native-micro", "1001");
    for (var entry : users.entrySet()) {
      String dockerfile = Files.readString(Path.of("src/main/docker", entry.getKey()));
      var base = BASE.matcher(dockerfile);
      assertThat(base.find()).as(entry.getKey() + " takes its base as BASE_IMAGE").isTrue();
      String image = base.group(1);
      assertThat(image).as(entry.getKey()).doesNotEndWith(":latest").matches(".+:[0-9]+\\.[0-9]+(@sha256:[a-f0-9]{64})?");
      assertThat(dockerfile).contains("FROM ${BASE_IMAGE}").contains("USER " + entry.getValue());
    }
    String values = Files.readString(Path.of("helm/order-service/values.yaml"));
    assertThat(values).contains("runAsUser: 185").contains("1001 for the native images");
  }
}
