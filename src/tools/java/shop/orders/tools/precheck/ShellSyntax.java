package shop.orders.tools.precheck;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shell's quoting and wildcards, as redis.conf and logrotate configs use them (Python's shlex.split and
 * fnmatch, which the check used when it was a Python script).
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

  /** {@code text} matches the shell wildcard {@code glob}: *, ? and [...] (negated by !), "/" matched like the rest. */
  static boolean matchesGlob(String text, String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      int close = c == '[' ? glob.indexOf(']', i + (i + 1 < glob.length() && glob.charAt(i + 1) == '!' ? 3 : 2)) : -1;
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (close > 0) {
        // a set as the regex's, its own special characters taken literally
        String set = glob.substring(i + 1, close).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
        regex.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set.startsWith("^") ? "\\" + set : set)
            .append(']');
        i = close;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
  }
}
