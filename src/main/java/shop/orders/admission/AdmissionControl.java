package shop.orders.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import shop.orders.problem.ApiException;
import shop.orders.problem.Problem;
import shop.orders.security.Caller;
import shop.orders.time.Ticker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits requests that need a database connection only while the pool can serve them; a short queue of others
 * waits a few milliseconds at most, and the rest are refused at once with 503 + Retry-After, without touching the
 * pool or a worker thread.
 * Order writes and reads share {@code pool - reserve} places (reads at most {@code maxReads} of them), so the
 * reserve stays free for completing payments and webhooks, which are never refused here (a payment holds no
 * connection while the gateway answers; its bulkhead bounds it). One customer holds at most
 * {@code max-per-customer} places at once (429 + Retry-After beyond), so one account's idle connections cannot keep
 * every other buyer out; how long a place may wait for the request's body is http.BodyDeadline's bound. Runs on the
 * I/O thread, before Quarkus REST, once the token (if any) is verified: a forged subject cannot take another
 * customer's places, and a request without a valid token is counted only against the pod's places. Which places a
 * request takes is its resource method's {@link Admitted} route, looked up by method and path in the table
 * ({@link AdmissionRoutes}) built when the service starts, which refuses to start while an /api method has none.
 */
@ApplicationScoped
public class AdmissionControl {
  private final AdmissionConfig config;
  private final Ticker ticker;
  private final int places;
  private final int maxReads;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger readsInFlight = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final int maxQueue;
  private final MeterRegistry registry;
  private final Vertx vertx;
  private final IdentityProviderManager identities;
  private final PlacesByCustomer byCustomer;
  private final AdmissionRoutes routes;

  AdmissionControl(AdmissionConfig config, MeterRegistry registry, Vertx vertx, IdentityProviderManager identities,
                   @ConfigProperty(name = "quarkus.datasource.jdbc.max-size") int poolSize, Ticker ticker,
                   BeanManager beans) {
    this.config = config;
    this.routes = AdmissionRoutes.of(AdmissionRoutes.resourceClasses(beans));
    this.identities = identities;
    this.byCustomer = new PlacesByCustomer(config.maxPerCustomer());
    this.ticker = ticker;
    this.registry = registry;
    this.vertx = vertx;
    this.places = Math.max(1, poolSize - config.reserveForPayments());
    this.maxReads = config.maxReads().orElse(Math.max(1, poolSize / 2));
    this.maxQueue = config.maxQueue().orElse(places);
    registry.gauge("admission.in.flight", inFlight);
  }

  void register(@Observes Filters filters) {
    if (config.enabled()) {
      filters.register(this::admit, 50);
    }
  }

  private void admit(RoutingContext rc) {
    var match = routes.classify(rc.request().method(), rc.normalizedPath());
    Route route = match.route();
    if (route == Route.PRIORITY || route == Route.OTHER) {
      rc.next();
      return;
    }
    if (match.open()) {
      enter(rc, route, null);   // a public method needs no token: one that fails must not turn into a 401 here
      return;
    }
    // the identity is resolved once per request (memoized) and reused by authentication proper later
    Context context = Vertx.currentContext();
    QuarkusHttpUser.getSecurityIdentity(rc, identities).onFailure().recoverWithNull().subscribe().with(identity -> {
      if (Vertx.currentContext() == context) {
        enter(rc, route, Caller.customerOf(identity));
      } else {
        context.runOnContext(v -> enter(rc, route, Caller.customerOf(identity)));
      }
    });
  }

  private void enter(RoutingContext rc, Route route, String customer) {
    if (answered(rc)) {
      return;   // answered meanwhile (a body Vert.x could not decode: 400 and closed): nothing to take or give back
    }
    if (customer != null) {
      if (!byCustomer.take(customer)) {
        registry.counter("admission.customer.refused", "route", route.name().toLowerCase()).increment();
        refuse(rc, tooManyAtOnce());
        return;
      }
      rc.addEndHandler(done -> byCustomer.give(customer));
    }
    if (take(route)) {
      admitted(rc, route);
    } else if (waiting.incrementAndGet() > maxQueue) {
      waiting.decrementAndGet();
      refuse(rc, route);
    } else {
      queue(rc, route, ticker.nanoTime() + config.maxWait().toNanos());
    }
  }

  /** A queued request looks for room every 2 ms, without blocking the I/O thread, until its wait is over. */
  private void queue(RoutingContext rc, Route route, long deadline) {
    vertx.setTimer(2, t -> {
      if (answered(rc)) {
        waiting.decrementAndGet();
      } else if (take(route)) {
        waiting.decrementAndGet();
        admitted(rc, route);
      } else if (ticker.nanoTime() < deadline) {
        queue(rc, route, deadline);
      } else {
        waiting.decrementAndGet();
        refuse(rc, route);
      }
    });
  }

  private void admitted(RoutingContext rc, Route route) {
    new AdmissionTicket(() -> take(route), () -> give(route), ticker).attachTo(rc);
    rc.next();
  }

  /**
   * Whether the request was answered or its connection closed while it waited for its identity or a place: an end
   * handler added then would never run, so a place taken then would never come back (the door would fill).
   */
  private static boolean answered(RoutingContext rc) {
    return rc.response().ended() || rc.response().closed();
  }

  /** How long a request may wait for its place again after lending it (admission.max-wait). */
  public java.time.Duration maxWait() {
    return config.maxWait();
  }

  private void refuse(RoutingContext rc, Route route) {
    registry.counter("admission.rejected", "route", route.name().toLowerCase()).increment();
    refuse(rc, overloaded());
  }

  private void refuse(RoutingContext rc, ApiException refusal) {
    rc.response().setStatusCode(refusal.problem().status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()))
        .end(io.vertx.core.json.Json.encode(refusal.problem()));
  }

  /** The refusal of a customer's request beyond its places at once: 429, nothing done, retry after a second. */
  ApiException tooManyAtOnce() {
    long seconds = retryAfterSeconds();
    return new ApiException(Problem.of(429, "too-many-at-once", "Too many requests at once",
        "This customer already has " + config.maxPerCustomer() + " requests in progress and nothing was done; "
            + "retry after " + seconds + " s (with the same Idempotency-Key)."), java.time.Duration.ofSeconds(seconds));
  }

  /** The refusal of a request the pool cannot serve now: 503, nothing done, retry after {@code retry-after}. */
  public ApiException overloaded() {
    long seconds = retryAfterSeconds();
    return new ApiException(Problem.of(503, "overloaded", "Service at capacity",
        "The service is at capacity and nothing was done; retry after " + seconds
            + " s (with the same Idempotency-Key)."), java.time.Duration.ofSeconds(seconds));
  }

  private long retryAfterSeconds() {
    return Math.max(1, config.retryAfter().toSeconds());
  }

  private boolean take(Route route) {
    if (route == Route.READ && readsInFlight.incrementAndGet() > maxReads) {
      readsInFlight.decrementAndGet();
      return false;
    }
    if (inFlight.incrementAndGet() > places) {
      inFlight.decrementAndGet();
      if (route == Route.READ) {
        readsInFlight.decrementAndGet();
      }
      return false;
    }
    return true;
  }

  private void give(Route route) {
    inFlight.decrementAndGet();
    if (route == Route.READ) {
      readsInFlight.decrementAndGet();
    }
  }

  /** The table the door classifies requests by. */
  AdmissionRoutes routes() {
    return routes;
  }
}
