package shop.orders.load;

/**
 * One request as the client saw it: when its answer came (milliseconds since the run started), which population
 * sent it (background shoppers or the surge), what it was, how
 * long it took, the problem type's name of an error, and for POSTs the Idempotency-Key (one purchase intent, retries included) and the order id answered.
 */
record Attempt(long atMillis, String population, Kind kind, String request, int status, long latencyMillis,
               boolean retryAfter, String problem, String key, String orderId) {

  enum Kind { ORDER, PAYMENT, OTHER }

  /** 503 or 429 with Retry-After: the service said "not now" and how long to wait. */
  boolean refusal() {
    return (status == 503 || status == 429) && retryAfter;
  }

  static String csvHeader() {
    return "at_ms,population,kind,request,status,latency_ms,retry_after,problem,key,order_id";
  }

  String csv() {
    return "%d,%s,%s,\"%s\",%d,%d,%b,%s,%s,%s".formatted(atMillis, population, kind, request, status, latencyMillis,
        retryAfter,
        problem == null ? "" : problem, key == null ? "" : key, orderId == null ? "" : orderId);
  }
}
