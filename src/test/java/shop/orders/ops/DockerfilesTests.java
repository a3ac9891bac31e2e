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

  /**
   * The JVM image's AOT cache is trained in the image, by the base image's own JDK (a stage from the same BASE_IMAGE
   * running bin/aot-train), and the final stage takes the application from that stage with its cache, so the jars
   * the cache names are the very files it was trained on; the JVM maps it through JDK_JAVA_OPTIONS, the variable the
   * chart's jvm.aotCache sets.
   */
  @Test
  void theJvmImageTrainsItsAotCacheWithItsOwnJdkAndMapsIt() throws IOException {
    String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
    assertThat(dockerfile).contains("FROM ${BASE_IMAGE} AS train").containsPattern("(?m)^RUN cd /opt/aot-train[^\\n]*")
        .contains("bin/aot-train").contains("COPY --from=train --chown=185 /deployments/ /deployments/")
        .contains("ENV JDK_JAVA_OPTIONS=\"-XX:AOTCache=/deployments/app.aot\"");
    // the training runs with the final stage's collector, so the production JVM maps all of the cache
    assertThat(dockerfile).contains("TRAIN_JAVA_OPTS=\"-XX:+UseSerialGC").contains("ENV GC_CONTAINER_OPTIONS=\"-XX:+UseSerialGC\"");
    assertThat(dockerfile.indexOf("AS train")).isLessThan(dockerfile.lastIndexOf("FROM ${BASE_IMAGE}"));
    assertThat(Files.readString(Path.of("helm/order-service/templates/_helpers.tpl")))
        .contains("JDK_JAVA_OPTIONS: {{ ternary \"-XX:AOTCache=/deployments/app.aot\" \"\"");
  }
}
