package shop.orders.tools;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The helpers of bin/lib.sh, each run in a Bash that sources it from the repository root (no service started). */
class LibShTests {
  @TempDir
  Path dir;

  private record Result(int exit, String out, String err) {
  }

  private Result bash(String script, String... environment) throws IOException, InterruptedException {
    var builder = new ProcessBuilder("bash", "-c", "set -euo pipefail; . bin/lib.sh; " + script);
    for (int i = 0; i < environment.length; i += 2) {
      builder.environment().put(environment[i], environment[i + 1]);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), out, err);
  }

  @Test
  void dieNamesTheScriptAndExits2() throws Exception {
    var result = bash("die 'no JDK at /x'; echo unreachable");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("bash: no JDK at /x\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void fieldReadsABenchResultLine() throws Exception {
    var result = bash("l='BENCH_RESULT rps=444.5 p50_ms=3.1 non2xx=0 statuses=201:10,503:2'; "
        + "echo \"$(field rps \"$l\") $(field statuses \"$l\") [$(field missing \"$l\")]\"");
    assertThat(result.out()).isEqualTo("444.5 201:10,503:2 []\n");
  }

  @Test
  void freePortsAreFreeAndNeverGivenTwice() throws Exception {
    var result = bash("for i in $(seq 20); do free_port p; echo $p; if port_busy $p; then echo BUSY; fi; done");
    assertThat(result.exit()).isZero();
    List<String> ports = result.out().lines().toList();
    assertThat(ports).hasSize(20).doesNotHaveDuplicates().allMatch(p -> p.matches("[2-6][0-9]{4}"));
  }

  @Test
  void waitHttpWaitsForAnAnswerAndGivesUpOnADeadProcess() throws Exception {
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ready", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertThat(bash("wait_http http://127.0.0.1:" + port + "/ready 5 && echo up").out()).isEqualTo("up\n");
      assertThat(bash("port_busy " + port + " && echo busy").out()).isEqualTo("busy\n");
      long start = System.nanoTime();
      assertThat(bash("sleep 0.3 & wait_http http://127.0.0.1:" + port + "/missing 20 $! || echo gave-up").out())
          .isEqualTo("gave-up\n");
      assertThat(System.nanoTime() - start).as("gave up when the process ended").isLessThan(10_000_000_000L);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void stopPidEndsAProcessThatIgnoresTerm() throws Exception {
    var result = bash("bash -c 'trap \"\" TERM; sleep 30' & p=$!; sleep 0.3; stop_pid $p 1; "
        + "kill -0 $p 2>/dev/null && echo alive || echo stopped");
    assertThat(result.out()).isEqualTo("stopped\n");
  }

  @Test
  void newestIsTheLatestOfTheMatches() throws Exception {
    Path old = Files.writeString(dir.resolve("report-1"), "");
    Path recent = Files.writeString(dir.resolve("report-2"), "");
    old.toFile().setLastModified(System.currentTimeMillis() - 60_000);
    assertThat(bash("newest " + dir + "/report-*").out()).isEqualTo(recent + "\n");
    assertThat(bash("newest " + dir + "/nothing-*").out()).isEqualTo("\n");
  }

  @Test
  void runWrkPassesTheRunAndPrintsTheResultLine() throws Exception {
    Path fake = dir.resolve("wrk");
    Files.writeString(fake, """
        #!/bin/sh
        echo "args: $*"
        echo "env: $BENCH_TOKENS / $BENCH_SKUS / ${BENCH_RUN_ID%-*}"
        echo "BENCH_RESULT rps=12.5 non2xx=0"
        exit "${WRK_EXIT:-0}"
        """);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = dir + ":" + System.getenv("PATH");
    var ok = bash("TOKENS='t1 t2'; SKUS=7; STAMP=S; run_wrk http://x:1 64 3 5s " + dir + "/out; cat " + dir + "/out",
        "PATH", path);
    assertThat(ok.out()).isEqualTo("""
        BENCH_RESULT rps=12.5 non2xx=0
        args: -t2 -c64 -d3s --timeout 5s --latency -s src/tools/bench/order.lua http://x:1
        env: t1 t2 / 7 / S-64-3
        BENCH_RESULT rps=12.5 non2xx=0
        """);
    assertThat(bash("TOKENS=t; SKUS=1; run_wrk http://x:1 1 3 3s " + dir + "/out", "PATH", path).out())
        .as("one connection, one thread").isEqualTo("BENCH_RESULT rps=12.5 non2xx=0\n");
    assertThat(Files.readString(dir.resolve("out"))).contains("args: -t1 -c1 ");

    var failed = bash("TOKENS=t; SKUS=1; run_wrk http://x:1 2 3 5s " + dir + "/out", "PATH", path, "WRK_EXIT", "1");
    assertThat(failed.exit()).isEqualTo(2);
    assertThat(failed.err()).endsWith("bash: wrk failed\n");
    var kept = bash("TOKENS=t; SKUS=1; run_wrk --keep-going http://x:1 2 3 5s " + dir + "/out", "PATH", path,
        "WRK_EXIT", "1");
    assertThat(kept.exit()).isZero();
    assertThat(kept.out()).isEqualTo("BENCH_RESULT rps=12.5 non2xx=0\n");
  }
}
