package shop.orders.common;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a process of its own, for tests of what only a
 * real process shows: that it refuses to start, that it survives SIGKILL. Free loopback ports, output to a file
 * under {@code target/}, every wait bounded.
 */
public final class PackagedService implements AutoCloseable {
  public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path output;
  public final int port;
  public final int managementPort;

  private PackagedService(Process process, Path output, int port, int managementPort) {
    this.process = process;
    this.output = output;
    this.port = port;
    this.managementPort = managementPort;
  }

  /**
   * Starts the jar with these system properties (on top of free ports) and environment; {@code withoutEnv} names
   * variables removed from the inherited environment.
   */
  public static PackagedService start(String name, Map<String, String> properties, Map<String, String> env,
                                      Set<String> withoutEnv) throws IOException {
    int port = freePort();
    int management = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-Dquarkus.http.test-port=" + port,
        "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
        "-Dquarkus.management.test-port=" + management));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-jar", JAR.toString()));
    Path output = Path.of("target", name + "-" + System.currentTimeMillis() + ".log");
    Files.createDirectories(output.getParent());
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    withoutEnv.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    return new PackagedService(builder.start(), output, port, management);
  }

  public static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** True once the readiness probe answers 200 within {@code timeout}; false when it does not or the process ended. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    return false;
  }

  /** The exit status once the process ended within {@code timeout}; empty while it still runs. */
  public java.util.OptionalInt exitWithin(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
  }

  /** SIGKILL: no shutdown hook, no graceful anything. Returns once the process is gone (10 s at most). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
