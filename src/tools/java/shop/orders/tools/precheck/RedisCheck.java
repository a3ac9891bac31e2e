package shop.orders.tools.precheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static shop.orders.tools.PythonStyle.repr;
import static shop.orders.tools.precheck.Finding.num;

/**
 * The Redis configuration the event runs with: its AOF within the disk (with a rewrite's copy), a log level that
 * cannot fill the disk (debug did on 2025-06-05), and its log file rotated.
 */
final class RedisCheck {
  /** HostDiskAlmostFullDbOrRedis pages at 80% full. */
  static final double DISK_ALERT_SHARE = 0.8;
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final Map<String, Long> UNITS = Map.of("", 1L, "k", 1000L, "kb", 1024L, "m", 1000L * 1000,
      "mb", 1024L * 1024, "g", 1000L * 1000 * 1000, "gb", 1024L * 1024 * 1024);

  private RedisCheck() {
  }

  /** {@code redisDir}: ops/redis, where the logrotate configs are. */
  static List<Finding> findings(Path conf, OptionalDouble diskGib, Path root, Path redisDir)
      throws Unusable, UsageError {
    Map<String, List<String>> settings = settings(conf);
    List<Finding> findings = new ArrayList<>();
    String appendonly = setting(settings, "appendonly", "no");
    if (!appendonly.equalsIgnoreCase("yes")) {
      findings.add(Finding.fail("appendonly " + appendonly + ": the AOF (ops/redis/redis.conf) is expected"));
    } else {
      findings.add(aof(settings, diskGib));
    }
    String level = setting(settings, "loglevel", "notice").toLowerCase(Locale.ROOT);
    findings.add(level.equals("debug") || level.equals("verbose")
        ? Finding.fail("loglevel " + level + ": debug logging filled the disk on 2025-06-05; use notice")
        : Finding.pass("loglevel " + level));
    String logfile = setting(settings, "logfile", "");
    if (logfile.isEmpty()) {
      findings.add(Finding.pass("logs to stdout (logfile \"\"), left to the runtime"));
    } else {
      List<String> rotated = rotatedBy(logfile, root, redisDir);
      findings.add(rotated.isEmpty()
          ? Finding.fail("logfile " + logfile + " is rotated by no logrotate config in ops/redis/")
          : Finding.pass("logfile " + logfile + " is rotated by " + String.join(", ", rotated)));
    }
    return findings;
  }

  /** The AOF at its largest: grown by auto-aof-rewrite-percentage over maxmemory, plus a rewrite's new copy. */
  private static Finding aof(Map<String, List<String>> settings, OptionalDouble diskGib) throws Unusable {
    String maxmemory = setting(settings, "maxmemory", "0");
    long memory = bytes(maxmemory);
    String percentText = setting(settings, "auto-aof-rewrite-percentage", "100");
    if (!percentText.matches("\\d+")) {
      throw new Unusable("redis.conf: auto-aof-rewrite-percentage " + repr(percentText) + " is not a whole number");
    }
    long percent = Long.parseLong(percentText);
    if (memory == 0 || percent == 0) {
      return Finding.fail("maxmemory " + maxmemory + ", auto-aof-rewrite-percentage " + percent
          + ": with either at 0 the AOF has no bound");
    }
    double gib = memory / GIB;
    double peak = (1 + percent / 100.0) * gib + gib;
    String sums = "AOF up to (1 + " + percent + "/100) x maxmemory " + num(gib) + " GiB + a rewrite's copy " + num(gib)
        + " GiB = " + num(peak) + " GiB";
    if (diskGib.isEmpty()) {
      return Finding.warn(sums + "; disk not checked (pass --redis-disk-gib)");
    }
    double disk = diskGib.getAsDouble();
    String share = num(DISK_ALERT_SHARE * 100) + "% of the " + num(disk) + " GiB disk = "
        + num(DISK_ALERT_SHARE * disk) + " GiB";
    return peak > DISK_ALERT_SHARE * disk
        ? Finding.fail(sums + " > " + share + ": a larger disk or a smaller maxmemory")
        : Finding.pass(sums + " <= " + share);
  }

  /** Directive: its arguments, the last occurrence winning as in Redis (includes are not followed). */
  static Map<String, List<String>> settings(Path conf) throws UsageError {
    List<String> lines;
    try {
      lines = Files.readAllLines(conf);
    } catch (IOException e) {
      throw new UsageError("redis.conf " + conf + ": " + e);
    }
    Map<String, List<String>> settings = new HashMap<>();
    for (String line : lines) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> words;
      try {
        words = ShellSyntax.words(line);
      } catch (IllegalArgumentException e) {
        throw new UsageError("redis.conf " + conf + ": " + e.getMessage() + " in: " + line);
      }
      settings.put(words.getFirst().toLowerCase(Locale.ROOT), words.subList(1, words.size()));
    }
    return settings;
  }

  /** The directive's first argument, or {@code fallback} (Redis' default) when it is not set. */
  private static String setting(Map<String, List<String>> settings, String name, String fallback) {
    List<String> arguments = settings.getOrDefault(name, List.of());
    return arguments.isEmpty() ? fallback : arguments.getFirst();
  }

  /** Redis' memory units: 1k = 1000, 1kb = 1024, and so on for m, mb, g, gb. */
  static long bytes(String size) throws Unusable {
    String text = size.toLowerCase(Locale.ROOT);
    String digits = text.replaceFirst("[kmgb]+$", "");
    Long unit = UNITS.get(text.substring(digits.length()));
    if (!digits.matches("\\d+") || unit == null) {
      throw new Unusable("redis.conf: maxmemory " + repr(text) + " is not a size");
    }
    return Long.parseLong(digits) * unit;
  }

  /** The logrotate configs in ops/redis/ (files named *logrotate*) with a block for the logfile (a path or glob). */
  private static List<String> rotatedBy(String logfile, Path root, Path redisDir) throws Unusable {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(redisDir)) {
      for (Path config : files.filter(f -> f.getFileName().toString().contains("logrotate")).sorted().toList()) {
        for (String line : Files.readAllLines(config)) {
          String code = line.split("#", 2)[0].strip();
          if (code.endsWith("{") && ShellSyntax.words(code.substring(0, code.length() - 1)).stream()
              .anyMatch(glob -> ShellSyntax.matchesGlob(logfile, glob))) {
            found.add(root.relativize(config).toString());
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new Unusable("the logrotate configs in ops/redis/: " + e.getMessage());
    }
    return found;
  }
}
