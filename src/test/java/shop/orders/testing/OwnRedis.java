package shop.orders.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** A redis-server of the test class's own, its AOF on a small tmpfs the test can fill (a disk-full Redis). */
public class OwnRedis implements QuarkusTestResourceLifecycleManager {
  private static RedisProcess redis;
  private static Path mount;

  public static RedisProcess redis() {
    return redis;
  }

  @Override
  public Map<String, String> start() {
    try {
      mount = RedisProcess.mountTmpfs("16m");
      redis = new RedisProcess(mount);
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
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
