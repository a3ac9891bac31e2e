package shop.orders.tools.precheck;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell's quoting (Python's shlex.split, which the check used when it was a Python script) and path wildcards,
 * as redis.conf and logrotate configs use them.
 */
final class ShellSyntax {
  private ShellSyntax() {
  }

  /** A line split into words as a POSIX shell splits it: quotes and backslashes, no comments. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\') {
          if (++i >= line.length()) {
            throw new IllegalArgumentException("No escaped character");
          }
          word.append(line.charAt(i));
        } else {
          word.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("No closing quotation");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * {@code path} matches the wildcard {@code glob} as logrotate's glob(3) matches its config's paths: *, ? and [...]
   * within one path segment, so {@code /var/log/*} does not name {@code /var/log/redis/redis-server.log} (the JDK's
   * glob syntax, which also reads [!...] and {a,b}).
   */
  static boolean matchesGlob(String path, String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path));
  }
}
