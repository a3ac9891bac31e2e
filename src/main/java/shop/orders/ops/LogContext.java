package shop.orders.ops;

import org.jboss.logging.MDC;

import java.util.Map;
import java.util.UUID;

/**
 * What a log line is about, as MDC fields the JSON log carries on every line: {@code requestId} (set for each HTTP
 * request by http.RequestIds) and {@code orderId}. Never personal data: no customer ids, tokens or payment details.
 */
public final class LogContext {
  public static final String REQUEST_ID = "requestId";
  public static final String ORDER_ID = "orderId";

  private LogContext() {
  }

  /** Closes the scope: the field goes back to what it was before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The lines logged until the scope closes are about this order. */
  public static Scope order(UUID orderId) {
    Object before = MDC.get(ORDER_ID);
    MDC.put(ORDER_ID, orderId.toString());
    return () -> {
      if (before == null) {
        MDC.remove(ORDER_ID);
      } else {
        MDC.put(ORDER_ID, before);
      }
    };
  }

  /** This thread's fields, to carry them to the thread that continues the work. */
  public static Map<String, Object> capture() {
    return MDC.getMap();
  }

  /**
   * Work on another thread logs with the captured fields; afterwards each field is as it was. On a thread that
   * carries the request's Vert.x context the fields are already there (MDC lives in the context) and stay.
   */
  public static Scope carry(Map<String, Object> fields) {
    if (fields.isEmpty() || io.vertx.core.Vertx.currentContext() != null) {
      return () -> { };
    }
    Map<String, Object> before = new java.util.HashMap<>();
    fields.forEach((key, value) -> {
      before.put(key, MDC.get(key));
      MDC.put(key, value);
    });
    return () -> before.forEach((key, value) -> {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    });
  }
}
