package shop.orders.ratelimit;

import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One rate-limit policy as a request left it: {@code limit} requests per {@code windowSeconds}, {@code remaining}
 * of them usable at once now, and {@code resetSeconds} until the allowance is whole again. Sent on the response as
 * the IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11): {@code RateLimit-Policy: "orders";q=20;w=60}
 * and {@code RateLimit: "orders";r=19;t=3}, one list member per policy the request was counted against.
 */
public record Quota(String bucket, int limit, long windowSeconds, long remaining, long resetSeconds) {
  public static final String POLICY_HEADER = "RateLimit-Policy";
  public static final String HEADER = "RateLimit";
  private static final String KEY = Quota.class.getName();

  /** Adds this quota to the ones the request's answer reports (none when {@code request} is null). */
  void attachTo(RoutingContext request) {
    if (request == null) {
      return;
    }
    List<Quota> quotas = request.get(KEY);
    if (quotas == null) {
      quotas = new ArrayList<>(2);
      request.put(KEY, quotas);
    }
    quotas.removeIf(q -> q.bucket.equals(bucket));
    quotas.add(this);
  }

  static List<Quota> of(RoutingContext request) {
    List<Quota> quotas = request == null ? null : request.get(KEY);
    return quotas == null ? List.of() : quotas;
  }

  static String policyHeader(List<Quota> quotas) {
    return quotas.stream().map(q -> "\"" + q.bucket + "\";q=" + q.limit + ";w=" + q.windowSeconds)
        .collect(Collectors.joining(", "));
  }

  static String header(List<Quota> quotas) {
    return quotas.stream().map(q -> "\"" + q.bucket + "\";r=" + q.remaining + ";t=" + q.resetSeconds)
        .collect(Collectors.joining(", "));
  }
}
