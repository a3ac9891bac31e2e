package shop.orders.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server of a test's own, on a free loopback port, with its AOF in {@code dir}: started, killed,
 * frozen ({@code kill -STOP}) and thawed by the test, and asked things through redis-cli.
 */
public final class RedisProcess {
  private final Path dir;
  private final int port;
  private Process process;

  public RedisProcess(Path dir) throws IOException {
    this.dir = dir;
    try (var socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public void start() throws IOException, InterruptedException {
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "yes", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    for (int i = 0; i < 100 && !cli("PING").contains("PONG"); i++) {
      Thread.sleep(50);
    }
    if (!cli("PING").contains("PONG")) {
      throw new IllegalStateException("redis-server did not start on " + port);
    }
  }

  /** SIGKILL: Redis gone at once, as when its host dies. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public void freeze() throws IOException, InterruptedException {
    signal("-STOP");
  }

  public void thaw() throws IOException, InterruptedException {
    signal("-CONT");
  }

  /** One redis-cli command; its output (a refusal such as MISCONF included). */
  public String cli(String... args) throws IOException, InterruptedException {
    return cli(port, args);
  }

  /** One redis-cli command to the Redis on loopback {@code port}; its output, "(no answer)" after 5 s. */
  public static String cli(int port, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!cli.waitFor(5, TimeUnit.SECONDS)) {
      cli.destroyForcibly();
      return "(no answer)";
    }
    return new String(cli.getInputStream().readAllBytes()).strip();
  }

  private void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
  }

  public Path dir() {
    return dir;
  }

  /** Whether this JVM runs as root (user id 0), which mounting a tmpfs needs. */
  public static boolean isRoot() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    return id.waitFor(5, TimeUnit.SECONDS) && new String(id.getInputStream().readAllBytes()).strip().equals("0");
  }

  public static Path mountTmpfs(String size) throws IOException, InterruptedException {
    Path mount = Files.createTempDirectory("redis-tmpfs");
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("Cannot mount a tmpfs (needs root): " + new String(p.getInputStream().readAllBytes()));
    }
    return mount;
  }

  public static void unmount(Path mount) throws IOException, InterruptedException {
    new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
    Files.deleteIfExists(mount);
  }
}
