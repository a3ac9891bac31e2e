package shop.orders.ops;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ops/redis: a real redis-server runs ops/redis/redis.conf (only port, bind, dir and log file overridden), and the
 * real ops/redis/logrotate.conf rotates its log while it serves: the old lines move to redis-server.log.1, the live
 * file is truncated, and Redis keeps answering and logging into it. Needs redis-server and logrotate (.ci/run
 * installs logrotate) and root, as logrotate wants its config owned by root.
 */
class RedisConfigTests {
  private static final Path CONFIG = Path.of("ops/redis/redis.conf");
  private static final Path LOGROTATE = Path.of("ops/redis/logrotate.conf");
  private static final String PRODUCTION_LOG = "/var/log/redis/redis-server.log";

  @TempDir
  static Path dir;
  private static Path log;
  private static int port;
  private static Process redis;

  @BeforeAll
  static void startRedis() throws Exception {
    assertThat(Path.of("/var/lib/redis")).as("redis.conf's dir, created by the redis-server package").isDirectory();
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    log = dir.resolve("redis-server.log");
    Path data = Files.createDirectory(dir.resolve("data"));
    redis = new ProcessBuilder("/usr/bin/redis-server", CONFIG.toAbsolutePath().toString(),
        "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", data.toString(), "--logfile", log.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis-stdout.txt").toFile()).start();
    awaitLog("Ready to accept connections");
  }

  @AfterAll
  static void stopRedis() throws InterruptedException {
    if (redis == null) {
      return;
    }
    redis.destroy();
    if (!redis.waitFor(10, TimeUnit.SECONDS)) {
      redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theServerRunsTheConfigFile() throws IOException {
    assertThat(configGet("appendonly")).isEqualTo("yes");
    assertThat(configGet("appendfsync")).isEqualTo("everysec");
    assertThat(configGet("loglevel")).isEqualTo("notice");
    assertThat(configGet("save")).isEmpty();
    assertThat(configGet("maxmemory")).isEqualTo(String.valueOf(1L << 30));
    assertThat(configGet("maxmemory-policy")).isEqualTo("volatile-ttl");
  }

  @Test
  void logrotateRotatesTheLogWhileRedisKeepsServingAndLogging() throws Exception {
    String rules = Files.readString(LOGROTATE);
    assertThat(rules).contains(PRODUCTION_LOG, "copytruncate");
    Path conf = dir.resolve("logrotate.conf");
    Files.writeString(conf, rules.replace(PRODUCTION_LOG, log.toString()));
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
    String before = Files.readString(log);
    assertThat(before).contains("Ready to accept connections");

    logrotate("-f", "-s", dir.resolve("logrotate.state").toString(), conf.toString());

    Path rotated = dir.resolve("redis-server.log.1");
    assertThat(rotated).exists();
    assertThat(Files.readString(rotated)).startsWith(before);
    assertThat(Files.readString(log)).as("live log, truncated").doesNotContain("Ready to accept connections");

    assertThat(call("PING")).isEqualTo("PONG");
    assertThat(call("SET", "rotation-test", "1", "EX", "60")).isEqualTo("OK");
    assertThat(call("GET", "rotation-test")).isEqualTo("1");
    assertThat(call("BGREWRITEAOF")).asString().contains("rewriting started");
    awaitLog("Background AOF rewrite finished successfully");
    assertThat(Files.readString(log)).contains("Background append only file rewriting started");
    assertThat(Files.readString(rotated)).doesNotContain("Background append only file rewriting started");
  }

  private static void logrotate(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("/usr/sbin/logrotate"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("logrotate is missing: apt-get install logrotate", e);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("logrotate finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
  }

  /** Waits up to 10 s for {@code text} in the live log, failing at once if Redis exits. */
  private static void awaitLog(String text) throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      assertThat(redis.isAlive()).as("redis-server running; it said: %s",
          Files.readString(dir.resolve("redis-stdout.txt"))).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in " + log + " within 10 s: " + Files.readString(log));
  }

  private static String configGet(String name) throws IOException {
    return (String) ((List<?>) call("CONFIG", "GET", name)).get(1);
  }

  /** One command on a new connection (RESP): the reply as a String, Long, List or null; an error fails the test. */
  private static Object call(String... args) throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      var request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(UTF_8));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(UTF_8));
      }
      socket.getOutputStream().write(request.toByteArray());
      return reply(new BufferedInputStream(socket.getInputStream()));
    }
  }

  private static Object reply(InputStream in) throws IOException {
    var line = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("Redis closed the connection");
      }
      line.append((char) c);
    }
    in.read();
    String value = line.substring(1);
    return switch (line.charAt(0)) {
      case '+' -> value;
      case ':' -> Long.parseLong(value);
      case '$' -> {
        int length = Integer.parseInt(value);
        yield length < 0 ? null : new String(in.readNBytes(length + 2), 0, length, UTF_8);
      }
      case '*' -> {
        var items = new ArrayList<>();
        for (int i = Integer.parseInt(value); i > 0; i--) {
          items.add(reply(in));
        }
        yield items;
      }
      default -> throw new AssertionError("Redis answered " + line);
    };
  }
}
