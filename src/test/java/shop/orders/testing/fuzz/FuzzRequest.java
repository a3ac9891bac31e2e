package shop.orders.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One request as it goes on the wire: method, request-target (percent-encoded, raw bytes as ISO-8859-1 characters),
 * headers (values as ISO-8859-1 characters, so any byte can be sent) and body; with what was changed from a valid
 * request ({@code mutations}), who sends it and, when it is a customer aiming at another customer's order, that
 * order; {@code operationPath} is the operation's path with this request's values, {@code reshaped} tells that the
 * path or method was changed so the request may address no operation at all, {@code unreadBody} that it carries a
 * body its operation does not read. A few values are placeholders the sender fills in just before sending
 * ({@link #ETAG_OF}, {@link #SIGNATURE}, {@link #NEW_ORDER}): a current ETag, a signature made now, a new order.
 */
public record FuzzRequest(String operationId, String method, String target, List<Map.Entry<String, String>> headers,
                          byte[] body, List<String> mutations, String caller, String othersOrder, String operationPath,
                          boolean reshaped, boolean unreadBody) {
  /** {@code {etag:SKU}}: the product's current ETag. */
  public static final String ETAG_OF = "{etag:";
  /** {@code {signature:MODE}}: the gateway's signature of the body, made when sent. */
  public static final String SIGNATURE = "{signature:";
  /** In the path, followed by a customer's key: an order of theirs placed just before the request is sent. */
  public static final String NEW_ORDER = "new-order-of-";

  public boolean valid() {
    return mutations.isEmpty();
  }

  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  public String rawQuery() {
    int q = target.indexOf('?');
    return q < 0 ? null : target.substring(q + 1);
  }

  /** The same request with its placeholders filled in. */
  public FuzzRequest resolved(UnaryOperator<String> inPath, List<Map.Entry<String, String>> resolvedHeaders) {
    return new FuzzRequest(operationId, method, inPath.apply(target), resolvedHeaders, body, mutations, caller,
        othersOrder, inPath.apply(operationPath), reshaped, unreadBody);
  }

  /**
   * A shell command that sends the same bytes with curl; {@code shell} replaces what should not be written out
   * (a token the reader can mint again with bin/token); a body longer than 2,000 bytes is read from
   * {@code bodyFile}, where the caller wrote it.
   */
  public String curl(String baseUrl, UnaryOperator<String> shell, String bodyFile) {
    var cmd = new StringBuilder("curl -sS -i --path-as-is -X ").append(method).append(' ')
        .append(quote(baseUrl + target));
    for (var header : headers) {
      String value = header.getValue();
      String written = shell.apply(value);
      cmd.append(" \\\n  -H ").append(written.equals(value) ? quote(header.getKey() + ": " + value)
          : "\"" + header.getKey() + ": " + written + "\"");
    }
    if (body != null) {
      cmd.append(" \\\n  --data-binary ").append(longBody()
          ? "@" + bodyFile : quote(new String(body, StandardCharsets.ISO_8859_1)));
    }
    return cmd.toString();
  }

  /** Too long to quote in a command: {@link #curl} reads it from a file. */
  public boolean longBody() {
    return body != null && body.length > 2_000;
  }

  /** Bash $'...' quoting: printable ASCII as is, every other byte as \xNN. */
  static String quote(String latin1) {
    var out = new StringBuilder("$'");
    for (char c : latin1.toCharArray()) {
      if (c == '\'' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\x%02x", (int) c & 0xff));
      }
    }
    return out.append('\'').toString();
  }

  @Override
  public String toString() {
    var out = new StringBuilder(operationId).append(": ").append(method).append(' ').append(abbreviate(target, 300));
    out.append("\n  as ").append(caller);
    if (othersOrder != null) {
      out.append(", aiming at another customer's order ").append(othersOrder);
    }
    out.append(mutations.isEmpty() ? "\n  valid (no mutation)" : "\n  mutations: " + String.join("; ", mutations));
    for (var header : headers) {
      out.append("\n  ").append(header.getKey()).append(": ").append(abbreviate(printable(header.getValue()), 200));
    }
    if (body != null) {
      out.append("\n  body (").append(body.length).append(" bytes): ")
          .append(abbreviate(printable(new String(body, StandardCharsets.ISO_8859_1)), 400));
    }
    return out.toString();
  }

  static String printable(String latin1) {
    var out = new StringBuilder();
    for (char c : latin1.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xff));
    }
    return out.toString();
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " characters)";
  }
}
