package shop.orders.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;
import shop.orders.ops.LogContext;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id, on every log line written for it and in the {@code X-Request-Id} response header, so
 * a storefront developer or an SRE can find a request's lines. A well-formed id sent by the caller (the storefront,
 * a gateway) is kept; anything else is replaced, so a header cannot inject text into the logs. Runs first, so
 * refusals at the door carry it too.
 */
@ApplicationScoped
public class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

  void register(@Observes Filters filters) {
    filters.register(this::tag, 100);
  }

  private void tag(RoutingContext rc) {
    String sent = rc.request().getHeader(HEADER);
    String id = sent != null && WELL_FORMED.matcher(sent).matches() ? sent : newId();
    MDC.put(LogContext.REQUEST_ID, id);
    rc.response().putHeader(HEADER, id);
    rc.next();
  }

  /**
   * A random UUID (version 4) from a per-thread generator: a request id only has to be unique, not unguessable,
   * and UUID.randomUUID() serialises every request of a flash sale on one shared SecureRandom.
   */
  static String newId() {
    var random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
