package shop.orders.tools;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a service's CPU goes, from a JFR recording's execution samples, for docs/benchmarks.md:
 * {@code JfrBreakdown <recording.jfr>} prints a Markdown table of the share of samples per part of the order path.
 * A sample belongs to the part of its innermost frame that falls in one (JDK frames fall in none, so a digest counts
 * where it was called from: jose4j for a token, the idempotency code for a fingerprint); a Jackson frame under the
 * idempotency code counts as serialization, a JDBC frame as SQL. Samples with no such frame fall in "other".
 */
public final class JfrBreakdown {
  /** Part name and the class-name prefixes whose frames belong to it, innermost match wins. */
  private static final Map<String, List<String>> PARTS = parts();

  private JfrBreakdown() {
  }

  private static Map<String, List<String>> parts() {
    var parts = new LinkedHashMap<String, List<String>>();
    parts.put("authentication (JWT)", List.of("io.smallrye.jwt", "org.jose4j", "io.quarkus.smallrye.jwt",
        "io.quarkus.security", "io.quarkus.vertx.http.runtime.security"));
    parts.put("SQL (JDBC driver, pool, transactions)", List.of("org.postgresql", "io.agroal", "com.arjuna",
        "io.narayana", "org.hibernate", "io.quarkus.narayana", "io.quarkus.hibernate"));
    parts.put("Redis", List.of("io.vertx.redis", "io.vertx.mutiny.redis", "io.quarkus.redis"));
    parts.put("logging", List.of("org.jboss.logmanager", "org.jboss.logging", "io.quarkus.bootstrap.logging"));
    parts.put("serialization and body parsing (JSON)", List.of("com.fasterxml.jackson",
        "org.jboss.resteasy.reactive.server.jackson", "io.quarkus.resteasy.reactive.jackson"));
    parts.put("idempotency (fingerprint)", List.of("shop.orders.idempotency"));
    parts.put("metrics", List.of("io.micrometer", "io.quarkus.micrometer"));
    parts.put("HTTP server and REST layer", List.of("io.vertx", "io.netty", "org.jboss.resteasy.reactive",
        "io.quarkus.vertx", "io.quarkus.resteasy.reactive"));
    parts.put("order service code", List.of("shop.orders"));
    return parts;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: JfrBreakdown <recording.jfr>");
      System.exit(2);
    }
    var counts = new TreeMap<String, Long>();
    long total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
        continue;
      }
      counts.merge(partOf(event.getStackTrace().getFrames()), 1L, Long::sum);
      total++;
    }
    System.out.println("| part of the order path | share of CPU samples |");
    System.out.println("|---|---|");
    for (String part : PARTS.keySet()) {
      print(part, counts.getOrDefault(part, 0L), total);
    }
    print("other (JDK, JIT-compiled glue, idle loops)", counts.getOrDefault("other", 0L), total);
    System.out.println();
    System.out.println(total + " execution samples");
  }

  private static void print(String part, long n, long total) {
    System.out.printf("| %s | %.1f%% |%n", part, total == 0 ? 0.0 : 100.0 * n / total);
  }

  /** The part of the innermost frame that belongs to one (in PARTS' order for that frame); "other" when none does. */
  static String partOf(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      if (frame.getMethod() == null || frame.getMethod().getType() == null) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      for (var part : PARTS.entrySet()) {
        if (part.getValue().stream().anyMatch(type::startsWith)) {
          return part.getKey();
        }
      }
    }
    return "other";
  }
}
