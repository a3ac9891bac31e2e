package shop.orders.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a process of its own, for tests of what only a
 * real process shows: that it refuses to start, that it survives SIGKILL. Free loopback ports, output to a file
 * (under {@code target/} unless told otherwise), every wait bounded.
 */
public final class PackagedService implements AutoCloseable {
  /** The packaged service, relative to the project (the working directory of tests and of the process). */
  public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  /** The name it was started under, for messages. */
  public final String name;
  /** The HTTP port of the API. */
  public final int port;
  /** The HTTP port of health and metrics ({@code /q/...}). */
  public final int managementPort;

  private PackagedService(String name, Process process, Path log, int port, int managementPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
    this.managementPort = managementPort;
  }

  /**
   * Starts the jar with these system properties (on top of free ports) and environment; {@code withoutEnv} names
   * variables removed from the inherited environment. The output goes to a new file under {@code target/}.
   */
  public static PackagedService start(String name, Map<String, String> properties, Map<String, String> env,
                                      Set<String> withoutEnv) throws IOException {
    Path log = Path.of("target", name + "-" + System.currentTimeMillis() + ".log");
    return start(name, log, List.of(), properties, env, withoutEnv);
  }

  /**
   * Starts the jar with {@code jvmOptions} (such as {@code -XX:TieredStopAtLevel=1}) ahead of the system properties,
   * its output (replacing what was there) in {@code log}; the rest as {@link #start(String, Map, Map, Set)}.
   */
  public static PackagedService start(String name, Path log, List<String> jvmOptions, Map<String, String> properties,
                                      Map<String, String> env, Set<String> withoutEnv) throws IOException {
    int port = freePort();
    int management = freePort();
    // the kernel may hand out the same free port twice in a row: both servers would then bind it (Vert.x shares a
    // port between servers) and the management paths would reach the API's router (seen once: a start never ready)
    for (int i = 0; i < 10 && management == port; i++) {
      management = freePort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of(
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-Dquarkus.http.test-port=" + port,
        "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
        "-Dquarkus.management.test-port=" + management));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-jar", JAR.toString()));
    Files.createDirectories(log.toAbsolutePath().getParent());
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    withoutEnv.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    return new PackagedService(name, builder.start(), log, port, management);
  }

  /** A port free on the loopback address, where the service listens. */
  public static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
      // short: callers time the start-up by it
      Thread.sleep(100);
    }
    return false;
  }

  /** The exit status once the process ended within {@code timeout}; empty while it still runs. */
  public OptionalInt exitWithin(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
  }

  /**
   * SIGKILL: no shutdown hook, no graceful anything. Returns the exit status once the process is gone (137 when the
   * signal ended it), empty when it still runs after 10 s.
   */
  public OptionalInt kill() throws InterruptedException {
    process.destroyForcibly();
    return exitWithin(Duration.ofSeconds(10));
  }

  /** SIGTERM, as an orchestrator or an operator stops a process: the application shuts down in order. */
  public void terminate() {
    process.destroy();
  }

  /** The operating system's handle of the process, to see for oneself that it is gone. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** The file with the process' output (standard output and error). */
  public Path log() {
    return log;
  }

  /** The output so far; bytes that are not UTF-8 come out as replacement characters. */
  public String output() {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** The last {@code lines} lines of the output. */
  public String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The API's address, without a trailing slash. */
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
