package shop.orders.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Numbers and JSON written as the Python scripts these tools replaced wrote them, so their output files stay the same
 * byte for byte: {@code json.dump(indent=2)} (ASCII only), {@code repr} of a float, {@code round} and
 * {@code f"{x:.Nf}"} (half-even on the exact binary value), {@code f"{n:,}"}.
 */
public final class PythonStyle {
  private PythonStyle() {
  }

  /** Python's {@code round(float(text), places)}: the double nearest the exact value rounded half-even. */
  static double round(String text, int places) {
    return new BigDecimal(Double.parseDouble(text)).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }

  /** Python's {@code f"{x:.<places>f}"}: the exact value rounded half-even. */
  public static String fixed(double x, int places) {
    return new BigDecimal(x).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** Python's {@code f"{x:,.<places>f}"}. */
  static String groupedFixed(double x, int places) {
    String plain = fixed(Math.abs(x), places);
    int dot = plain.indexOf('.');
    String whole = dot < 0 ? plain : plain.substring(0, dot);
    String sign = x < 0 || (x == 0 && 1 / x < 0) ? "-" : "";
    return sign + grouped(whole) + (dot < 0 ? "" : plain.substring(dot));
  }

  /** Python's {@code f"{n:,}"} for a whole number given as digits. */
  static String grouped(String whole) {
    return String.format(Locale.ROOT, "%,d", new BigDecimal(whole).toBigIntegerExact());
  }

  /** Python's repr of a float: the shortest digits, positional from 1e-4 up to 1e16, else as 1.5e-05. */
  static String repr(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return Double.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
    }
    if (x == 0) {
      return 1 / x < 0 ? "-0.0" : "0.0";
    }
    var digits = new BigDecimal(Double.toString(x)).stripTrailingZeros();
    int exponent = digits.precision() - digits.scale() - 1;
    if (exponent >= -4 && exponent < 16) {
      String plain = digits.toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    String mantissa = digits.unscaledValue().abs().toString();
    String m = mantissa.length() == 1 ? mantissa : mantissa.charAt(0) + "." + mantissa.substring(1);
    return (x < 0 ? "-" : "") + m + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
  }

  /** Python's {@code str()} of a value read from JSON: None, True, False, a float's repr, an int, a string. */
  public static String str(JsonNode value) {
    if (value == null || value.isNull()) {
      return "None";
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "True" : "False";
    }
    if (value.isFloatingPointNumber()) {
      return repr(value.asDouble());
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** Python's {@code repr()} of a value read from JSON: strings quoted, lists and dicts as Python writes them. */
  public static String reprOf(JsonNode value) {
    if (value != null && value.isTextual()) {
      return repr(value.asText());
    }
    if (value != null && value.isArray()) {
      var items = new ArrayList<String>();
      value.forEach(item -> items.add(reprOf(item)));
      return "[" + String.join(", ", items) + "]";
    }
    if (value != null && value.isObject()) {
      var entries = new ArrayList<String>();
      value.properties().forEach(e -> entries.add(repr(e.getKey()) + ": " + reprOf(e.getValue())));
      return "{" + String.join(", ", entries) + "}";
    }
    return str(value);
  }

  /** Python's {@code repr()} of a string: in single quotes, or double ones when it holds a single quote only. */
  public static String repr(String text) {
    char quote = text.contains("'") && !text.contains("\"") ? '"' : '\'';
    var out = new StringBuilder().append(quote);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append(quote).toString();
  }

  /**
   * {@code json.dumps(value, indent=2)}: of maps (in their order), lists, strings, booleans, null, whole numbers
   * (Integer, Long, BigInteger), doubles, and Jackson trees holding the same.
   */
  public static String json(Object value) {
    var out = new StringBuilder();
    write(value, out, 0);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out, int depth) {
    switch (value) {
      case null -> out.append("null");
      case JsonNode node -> write(plain(node), out, depth);
      case Map<?, ?> map when map.isEmpty() -> out.append("{}");
      case Map<?, ?> map -> {
        out.append("{");
        String sep = "\n";
        for (var e : map.entrySet()) {
          out.append(sep).append("  ".repeat(depth + 1));
          string(e.getKey().toString(), out);
          out.append(": ");
          write(e.getValue(), out, depth + 1);
          sep = ",\n";
        }
        out.append("\n").append("  ".repeat(depth)).append("}");
      }
      case List<?> list when list.isEmpty() -> out.append("[]");
      case List<?> list -> {
        out.append("[");
        String sep = "\n";
        for (Object item : list) {
          out.append(sep).append("  ".repeat(depth + 1));
          write(item, out, depth + 1);
          sep = ",\n";
        }
        out.append("\n").append("  ".repeat(depth)).append("]");
      }
      case String text -> string(text, out);
      case Double number -> out.append(repr(number));
      case Boolean bool -> out.append(bool ? "true" : "false");
      default -> out.append(value);
    }
  }

  /** A Jackson tree as maps, lists and plain values (one level; nested trees are unwrapped when written). */
  private static Object plain(JsonNode node) {
    if (node.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      node.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
      return map;
    }
    if (node.isArray()) {
      var list = new ArrayList<Object>();
      node.forEach(list::add);
      return list;
    }
    if (node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isFloatingPointNumber()) {
      return node.asDouble();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    return node.asText();
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
