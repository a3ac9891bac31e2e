package shop.orders.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import shop.orders.problem.Problem;

/**
 * A request body must arrive within {@code api.body-timeout} of its headers. A client that sends headers and then
 * a body slowly or never would otherwise hold what the request took at the door (an admission place, a
 * connection) for as long as it keeps the socket open: past the deadline it is answered 408 problem+json and its
 * connection closed, which ends the request and gives back everything it held. Runs before admission control, on
 * the I/O thread; a request whose body has arrived (or that has none) is not looked at again.
 */
@ApplicationScoped
public class BodyDeadline {
  private final ApiConfig config;
  private final Vertx vertx;
  private final Counter timeouts;

  BodyDeadline(ApiConfig config, Vertx vertx, MeterRegistry registry) {
    this.config = config;
    this.vertx = vertx;
    this.timeouts = Counter.builder("http.body.timeouts")
        .description("Requests answered 408 because their body did not arrive within api.body-timeout")
        .register(registry);
  }

  void register(@Observes Filters filters) {
    filters.register(this::arm, 60);   // after RequestIds (100), before admission control (50)
  }

  private void arm(RoutingContext rc) {
    if (hasBody(rc) && !rc.request().isEnded() && rc.normalizedPath().startsWith("/api/")) {
      long timer = vertx.setTimer(config.bodyTimeout().toMillis(), t -> expire(rc));
      rc.addEndHandler(done -> vertx.cancelTimer(timer));
    }
    rc.next();
  }

  private static boolean hasBody(RoutingContext rc) {
    String length = rc.request().getHeader("Content-Length");
    return length != null ? !length.trim().equals("0") : rc.request().headers().contains("Transfer-Encoding");
  }

  private void expire(RoutingContext rc) {
    if (rc.request().isEnded() || rc.response().ended() || rc.response().closed()) {
      return;
    }
    timeouts.increment();
    long seconds = Math.max(1, config.bodyTimeout().toSeconds());
    var response = rc.response().setStatusCode(408)
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-store");
    boolean http1 = rc.request().version() != HttpVersion.HTTP_2;
    if (http1) {
      response.putHeader("Connection", "close");
    }
    response.end(Json.encode(timedOut(seconds)), sent -> {
      if (http1) {
        rc.request().connection().close();   // the rest of the body, if it ever comes, is not read
      }
    });
  }

  static Problem timedOut(long seconds) {
    return Problem.of(408, "body-timeout", "Request body too slow",
        "The request body did not arrive within " + seconds + " s of its headers; nothing was done. "
            + "Send it again (with the same Idempotency-Key).");
  }
}
