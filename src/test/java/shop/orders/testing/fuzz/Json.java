package shop.orders.testing.fuzz;

import java.util.List;
import java.util.Map;

/**
 * Request bodies as plain values (LinkedHashMap, List, String, Boolean, Long, null and {@link Raw} for text written
 * as it is: a number no Java type holds, a duplicate member), written without a JSON library so a mutation can put
 * anything in: control characters and lone surrogates are written as {@code \\uXXXX} escapes, so the text is always
 * valid UTF-8 unless a mutation replaces its bytes.
 */
public final class Json {
  private Json() {
  }

  /** An element a mutation took out of an array: not written (its neighbours keep their places while built). */
  public static final Object LEFT_OUT = new Object() {
    @Override
    public String toString() {
      return "(left out)";
    }
  };

  /** Written verbatim. */
  public record Raw(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  public static String write(Object value) {
    var out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("null");
      case Raw raw -> out.append(raw.text());
      case String s -> string(s, out);
      case Boolean b -> out.append(b);
      case Number n -> out.append(n);
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (var entry : map.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(String.valueOf(entry.getKey()), out);
          out.append(':');
          write(entry.getValue(), out);
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        boolean first = true;
        for (Object element : list) {
          if (element == LEFT_OUT) {
            continue;
          }
          if (!first) {
            out.append(',');
          }
          first = false;
          write(element, out);
        }
        out.append(']');
      }
      default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1));
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || (Character.isSurrogate(c) && !pairedHigh
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
