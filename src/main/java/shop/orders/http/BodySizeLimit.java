package shop.orders.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies over {@code api.max-body-bytes} with 413 problem+json: at once when Content-Length says
 * so, and while reading when a chunked body grows past the limit.
 */
public class BodySizeLimit {
  private final ApiConfig config;

  BodySizeLimit(ApiConfig config) {
    this.config = config;
  }

  // Non-blocking: a blocking pre-matching filter would move every request to a worker before its body is read,
  // which then reads the body with blocking I/O.
  @ServerRequestFilter(preMatching = true, nonBlocking = true)
  public Response limit(ContainerRequestContext request) {
    int max = config.maxBodyBytes();
    String length = request.getHeaderString("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > max) {
          return tooLarge(max).toResponse();
        }
      } catch (NumberFormatException e) {
        return ApiException.badRequest("Content-Length", "is not a number").toResponse();
      }
      return null;
    }
    if (request.hasEntity()) {
      request.setEntityStream(new Bounded(request.getEntityStream(), max));
    }
    return null;
  }

  static ApiException tooLarge(int max) {
    return new ApiException(Problem.of(413, "body-too-large", "Request body too large",
        "The request body exceeds " + max + " bytes."));
  }

  /** An IOException, so JSON parsers pass it on untouched; the problem mappers answer it with 413. */
  public static final class TooLarge extends IOException {
    private final int max;

    TooLarge(int max) {
      super("request body exceeds " + max + " bytes", null);
      this.max = max;
    }

    public ApiException problem() {
      return tooLarge(max);
    }
  }

  private static final class Bounded extends FilterInputStream {
    private final int max;
    private long read;

    Bounded(InputStream in, int max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) throws TooLarge {
      read += n;
      if (read > max) {
        throw new TooLarge(max);
      }
    }
  }
}
