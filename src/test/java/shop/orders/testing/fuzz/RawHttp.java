package shop.orders.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, one connection per request ({@code Connection: close}): the request goes out byte for
 * byte as given, so a test can send what an HTTP client library refuses to (a malformed percent-encoding, bytes that
 * are not UTF-8, control characters in a header). Reads the answer whole, with Content-Length, chunked or until
 * the server closes; every wait is bounded by the timeout.
 */
public final class RawHttp {
  private RawHttp() {
  }

  /** An answer: header names in lower case, in the order received. */
  public record Response(int status, String reason, Map<String, List<String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      var values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code method target} with the headers (each value written as ISO-8859-1 bytes, so any byte can be sent)
   * and the body, and returns the answer; {@code Host}, {@code Connection: close} and {@code Content-Length} (when
   * there is a body and no Content-Length header) are added.
   */
  public static Response send(int port, String method, String target, List<Map.Entry<String, String>> headers,
                              byte[] body, Duration timeout) throws IOException {
    var head = new ByteArrayOutputStream();
    latin1(head, method + " " + target + " HTTP/1.1\r\n");
    latin1(head, "Host: 127.0.0.1:" + port + "\r\n");
    boolean hasLength = false;
    for (var header : headers) {
      hasLength |= header.getKey().equalsIgnoreCase("Content-Length");
      latin1(head, header.getKey() + ": " + header.getValue() + "\r\n");
    }
    if (body != null && !hasLength) {
      latin1(head, "Content-Length: " + body.length + "\r\n");
    }
    latin1(head, "Connection: close\r\n\r\n");
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toByteArray());
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException refusedEarly) {
        // the server may answer (413, 400) and close before reading all of it: its answer is what counts
      }
      return read(socket.getInputStream());
    }
  }

  private static void latin1(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Response read(InputStream in) throws IOException {
    Response response = readOne(in);
    // an interim answer (100 Continue to Expect: 100-continue) comes before the real one
    while (response.status() >= 100 && response.status() < 200 && response.status() != 101) {
      response = readOne(in);
    }
    return response;
  }

  private static Response readOne(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the connection closed without an answer");
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    byte[] body;
    var length = headers.getOrDefault("content-length", List.of());
    var encoding = headers.getOrDefault("transfer-encoding", List.of());
    if (encoding.stream().anyMatch(e -> e.equalsIgnoreCase("chunked"))) {
      body = chunked(in);
    } else if (!length.isEmpty()) {
      body = in.readNBytes(Integer.parseInt(length.getFirst()));
    } else if (status == 204 || status == 304 || status / 100 == 1) {
      body = new byte[0];
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, parts.length > 2 ? parts[2] : "", headers, body);
  }

  private static byte[] chunked(InputStream in) throws IOException {
    var body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new IOException("chunked body cut short");
      }
      int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
      if (n == 0) {
        for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
          // trailers are not used by this service
        }
        return body.toByteArray();
      }
      body.writeBytes(in.readNBytes(n));
      line(in);
    }
  }

  /** One line without its CRLF, as ISO-8859-1; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
