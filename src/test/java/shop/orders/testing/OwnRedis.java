package shop.orders.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * A redis-server of the test class's own, its AOF on a small tmpfs the test can fill (a disk-full Redis). Mounting a
 * tmpfs needs root: as another user the AOF goes to a plain temporary directory, every other fault (kill, freeze)
 * works, and {@link #assumeDiskCanFill()} skips the disk-full test with its reason.
 */
public class OwnRedis implements QuarkusTestResourceLifecycleManager {
  private static RedisProcess redis;
  private static Path mount;

  public static RedisProcess redis() {
    return redis;
  }

  /** Skips the calling test, saying why, unless Redis' directory is a small tmpfs the test can fill. */
  public static void assumeDiskCanFill() {
    if (mount == null) {
      String reason = "skipped: filling Redis' disk needs a small tmpfs, and mounting one needs root (CI runs as root)";
      System.out.println(reason);
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
  }

  @Override
  public Map<String, String> start() {
    try {
      mount = RedisProcess.isRoot() ? RedisProcess.mountTmpfs("16m") : null;
      redis = new RedisProcess(mount != null ? mount : java.nio.file.Files.createTempDirectory("redis-aof"));
      redis.start();
      return Map.of("quarkus.redis.hosts", redis.url());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    try {
      if (redis != null) {
        redis.thaw();
        redis.kill();
      }
      if (mount != null) {
        RedisProcess.unmount(mount);
        mount = null;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
