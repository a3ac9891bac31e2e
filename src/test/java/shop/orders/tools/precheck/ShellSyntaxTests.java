package shop.orders.tools.precheck;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How precheck reads redis.conf's words and logrotate's paths. */
class ShellSyntaxTests {
  @Test
  void wordsAreSplitAsTheShellSplitsThem() {
    assertThat(ShellSyntax.words("logfile \"/var/log/redis/a b.log\""))
        .containsExactly("logfile", "/var/log/redis/a b.log");
    assertThat(ShellSyntax.words("save ''")).containsExactly("save", "");
    assertThat(ShellSyntax.words("  dir  /var/lib/redis  ")).containsExactly("dir", "/var/lib/redis");
    assertThat(ShellSyntax.words("rename-command \"a\\\"b\" c\\ d")).containsExactly("rename-command", "a\"b", "c d");
    assertThatThrownBy(() -> ShellSyntax.words("logfile \"/var/log")).hasMessageContaining("No closing quotation");
  }

  @Test
  void aGlobMatchesWithinAPathSegmentAsLogrotateDoes() {
    String log = "/var/log/redis/redis-server.log";
    assertThat(ShellSyntax.matchesGlob(log, log)).isTrue();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/redis/*.log")).isTrue();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/redis/redis-server.lo?")).isTrue();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/redis/[r]edis-server.log")).isTrue();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/redis/[!r]edis-server.log")).isFalse();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/*")).as("* stays within one directory").isFalse();
    assertThat(ShellSyntax.matchesGlob(log, "/var/log/redis/other.log")).isFalse();
  }
}
