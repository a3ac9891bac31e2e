package shop.orders.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.inject.Singleton;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * HTTP requests that matched no route are counted under one {@code uri}, {@code UNMATCHED}. Quarkus tags a matched
 * request with its route template ({@code /api/products/{sku}}) and a 404 with {@code NOT_FOUND}, but a 405 or a
 * refused CORS preflight with the raw path: a few hundred junk requests made a few hundred series and exhausted the
 * registry's limit, after which new routes stopped being recorded. A tag is kept when it is a template (it holds a
 * parameter), one of the API's routes without parameters, a management path or one of Micrometer's own values.
 */
@Singleton
public class UnmatchedRoutes implements MeterFilter {
  static final String UNMATCHED = "UNMATCHED";
  /** The contract's paths without a parameter (UnmatchedRoutesTests checks them against src/main/openapi). */
  static final Set<String> LITERAL_ROUTES = Set.of("/api/cart", "/api/cart/checkout", "/api/orders",
      "/api/payments/webhook", "/api/products");
  private static final Set<String> MICROMETER_VALUES = Set.of("NOT_FOUND", "REDIRECTION", "root", "UNKNOWN");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().equals("http.server.requests")) {
      return id;
    }
    String uri = id.getTag("uri");
    if (uri == null || known(uri)) {
      return id;
    }
    return id.replaceTags(StreamSupport.stream(id.getTagsAsIterable().spliterator(), false)
        .map(tag -> tag.getKey().equals("uri") ? Tag.of("uri", UNMATCHED) : tag).collect(Collectors.toList()));
  }

  static boolean known(String uri) {
    return uri.contains("{") || LITERAL_ROUTES.contains(uri) || uri.startsWith("/q/")
        || MICROMETER_VALUES.contains(uri) || uri.equals(UNMATCHED);
  }
}
