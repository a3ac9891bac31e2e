package shop.orders.testing.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Strings that match a contract's {@code pattern}, for the subset of regular expressions the contract writes:
 * anchors, literals and escapes ({@code \\.}, {@code \\u0000}), character classes with ranges and negation, groups
 * with alternatives, and the quantifiers {@code {m}}, {@code {m,n}}, {@code ?}, {@code *}, {@code +}. Anything else
 * is refused loudly, so a new kind of pattern in the contract is noticed rather than fuzzed with wrong values.
 */
public final class Patterns {
  /** What a negated class picks from: visible ASCII, space, and letters beyond ASCII (one outside the BMP). */
  private static final String UNIVERSE;

  static {
    var universe = new StringBuilder();
    for (char c = ' '; c <= '~'; c++) {
      universe.append(c);
    }
    universe.append("éÜß한글日本\u00a0€").append("\uD83D\uDE00");
    UNIVERSE = universe.toString();
  }

  private Patterns() {
  }

  /**
   * A string matching {@code pattern} with at most {@code maxLength} characters (Java chars, as the contract's
   * maxLength counts them in this document), each quantifier's count drawn between its bounds but kept short unless
   * the draw asks for the longest.
   */
  public static String generate(String pattern, int maxLength, Draw draw) {
    Node node = new Parser(pattern).parse();
    var out = new StringBuilder();
    node.emit(draw, out, maxLength);
    if (out.length() > maxLength) {
      out.setLength(maxLength);
    }
    return out.toString();
  }

  /** True when {@code pattern} is one {@link #generate} understands. */
  public static boolean understood(String pattern) {
    try {
      new Parser(pattern).parse();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private interface Node {
    void emit(Draw draw, StringBuilder out, int budget);
  }

  private record Sequence(List<Node> items) implements Node {
    public void emit(Draw draw, StringBuilder out, int budget) {
      for (Node item : items) {
        item.emit(draw, out, budget);
      }
    }
  }

  private record Alternatives(List<Node> choices) implements Node {
    public void emit(Draw draw, StringBuilder out, int budget) {
      draw.pick(choices).emit(draw, out, budget);
    }
  }

  private record CharClass(IntPredicate member, String description) implements Node {
    public void emit(Draw draw, StringBuilder out, int budget) {
      List<String> members = new ArrayList<>();
      UNIVERSE.codePoints().filter(member).forEach(cp -> members.add(new String(Character.toChars(cp))));
      for (int cp = 0; cp < 0x20; cp++) {
        if (member.test(cp)) {
          members.add(String.valueOf((char) cp));
        }
      }
      if (members.isEmpty()) {
        throw new IllegalArgumentException("empty character class " + description);
      }
      out.append(draw.pick(members));
    }
  }

  private record Repeat(Node item, int min, int max) implements Node {
    public void emit(Draw draw, StringBuilder out, int budget) {
      int room = Math.max(min, Math.min(max, budget - out.length()));
      int count = switch (draw.between(0, 3)) {
        case 0 -> min;
        case 1 -> Math.max(min, Math.min(room, min + 1));
        case 2 -> draw.between(min, Math.max(min, Math.min(room, min + 16)));
        default -> room;   // the longest the contract allows
      };
      for (int i = 0; i < count; i++) {
        item.emit(draw, out, budget);
      }
    }
  }

  private static final class Parser {
    private final String p;
    private int i;

    Parser(String pattern) {
      this.p = pattern;
    }

    Node parse() {
      if (p.startsWith("^")) {
        i = 1;
      }
      Node node = alternatives();
      if (i < p.length() && p.charAt(i) == '$' && i == p.length() - 1) {
        i++;
      }
      if (i != p.length()) {
        throw new IllegalArgumentException("pattern not understood at " + i + ": " + p);
      }
      return node;
    }

    private Node alternatives() {
      List<Node> choices = new ArrayList<>();
      choices.add(sequence());
      while (i < p.length() && p.charAt(i) == '|') {
        i++;
        choices.add(sequence());
      }
      return choices.size() == 1 ? choices.getFirst() : new Alternatives(choices);
    }

    private Node sequence() {
      List<Node> items = new ArrayList<>();
      while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')'
          && !(p.charAt(i) == '$' && i == p.length() - 1)) {
        items.add(quantified(atom()));
      }
      return new Sequence(items);
    }

    private Node atom() {
      char c = p.charAt(i);
      if (c == '(') {
        i++;
        if (p.startsWith("?:", i)) {
          i += 2;
        }
        Node inner = alternatives();
        expect(')');
        return inner;
      }
      if (c == '[') {
        return charClass();
      }
      if (c == '\\') {
        int cp = escape();
        return literal(cp);
      }
      if ("*+?{}.^$".indexOf(c) >= 0) {
        throw new IllegalArgumentException("pattern not understood at " + i + " ('" + c + "'): " + p);
      }
      i++;
      return literal(c);
    }

    private static Node literal(int cp) {
      return (draw, out, budget) -> out.appendCodePoint(cp);
    }

    private Node quantified(Node atom) {
      if (i >= p.length()) {
        return atom;
      }
      char c = p.charAt(i);
      switch (c) {
        case '?' -> {
          i++;
          return new Repeat(atom, 0, 1);
        }
        case '*' -> {
          i++;
          return new Repeat(atom, 0, 16);
        }
        case '+' -> {
          i++;
          return new Repeat(atom, 1, 16);
        }
        case '{' -> {
          int close = p.indexOf('}', i);
          String[] bounds = p.substring(i + 1, close).split(",", -1);
          i = close + 1;
          int min = Integer.parseInt(bounds[0]);
          int max = bounds.length == 1 ? min : Integer.parseInt(bounds[1]);
          return new Repeat(atom, min, max);
        }
        default -> {
          return atom;
        }
      }
    }

    private Node charClass() {
      int start = i;
      expect('[');
      boolean negated = false;
      if (i < p.length() && p.charAt(i) == '^') {
        negated = true;
        i++;
      }
      List<int[]> ranges = new ArrayList<>();
      boolean first = true;
      while (i < p.length() && (p.charAt(i) != ']' || first)) {
        first = false;
        int lo = classChar();
        int hi = lo;
        if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
          i++;
          hi = classChar();
        }
        ranges.add(new int[] {lo, hi});
      }
      expect(']');
      boolean neg = negated;
      IntPredicate in = cp -> ranges.stream().anyMatch(r -> cp >= r[0] && cp <= r[1]);
      return new CharClass(neg ? in.negate() : in, p.substring(start, i));
    }

    private int classChar() {
      if (p.charAt(i) == '\\') {
        return escape();
      }
      return p.charAt(i++);
    }

    private int escape() {
      expect('\\');
      char c = p.charAt(i++);
      if (c == 'u') {
        int cp = Integer.parseInt(p.substring(i, i + 4), 16);
        i += 4;
        return cp;
      }
      if (Character.isLetterOrDigit(c)) {
        throw new IllegalArgumentException("escape \\" + c + " not understood: " + p);
      }
      return c;
    }

    private void expect(char c) {
      if (i >= p.length() || p.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + i + ": " + p);
      }
      i++;
    }
  }
}
