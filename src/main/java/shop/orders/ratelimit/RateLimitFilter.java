package shop.orders.ratelimit;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import shop.orders.problem.ApiException;
import shop.orders.security.Caller;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Before the resource method: every call counts against the client's {@code api} bucket (the customer of its token,
 * or its address without one; {@code webhooks} for the gateway's), then against the {@link RateLimited} shared bucket
 * of the method's customer. Over a limit: 429 + Retry-After and nothing done. After it: the answer carries the
 * RateLimit-Policy and RateLimit fields of every bucket the request was counted against (orders are counted later,
 * by order.OrderIntake, after the sold-out check).
 */
public class RateLimitFilter {
  private final RateLimiter limiter;
  private final RateLimitConfig config;
  private final CurrentIdentityAssociation identities;
  private final CurrentVertxRequest current;
  private final ConcurrentHashMap<String, Optional<String>> bucketByMethod = new ConcurrentHashMap<>();

  RateLimitFilter(RateLimiter limiter, RateLimitConfig config, CurrentIdentityAssociation identities,
                  CurrentVertxRequest current) {
    this.limiter = limiter;
    this.config = config;
    this.identities = identities;
    this.current = current;
  }

  @ServerRequestFilter(nonBlocking = true)
  public Uni<Response> limit(SimpleResourceInfo resource) {
    if (!config.enabled()) {
      return Uni.createFrom().nullItem();
    }
    RoutingContext request = current.getCurrent();
    Optional<String> bucket = bucketOf(resource);
    boolean webhook = bucket.filter(RateLimited.WEBHOOKS::equals).isPresent();
    // a token that fails authentication is counted by address here; authentication answers 401 next
    return identities.getDeferredIdentity().onFailure().recoverWithNull().chain(identity -> {
      String customer = Caller.customerOf(identity);
      try {
        limiter.enforceHere(webhook ? RateLimited.WEBHOOKS : RateLimited.API,
            customer != null && !webhook ? "customer:" + customer : "address:" + addressOf(request), request);
      } catch (ApiException refused) {
        return Uni.createFrom().item(refused.toResponse());
      }
      if (customer == null || webhook || bucket.isEmpty()) {
        return Uni.createFrom().nullItem();
      }
      return limiter.enforce(bucket.get(), customer, request).replaceWith((Response) null)
          .onFailure(ApiException.class).recoverWithItem(refused -> ((ApiException) refused).toResponse());
    });
  }

  @ServerResponseFilter
  public void report(ContainerResponseContext response) {
    List<Quota> quotas = Quota.of(current.getCurrent());
    if (!quotas.isEmpty()) {
      response.getHeaders().putSingle(Quota.POLICY_HEADER, Quota.policyHeader(quotas));
      response.getHeaders().putSingle(Quota.HEADER, Quota.header(quotas));
    }
  }

  /** The client's address as the HTTP layer resolved it (through trusted proxies' forwarding headers, if any). */
  private static String addressOf(RoutingContext request) {
    var address = request == null ? null : request.request().remoteAddress();
    return address == null ? "unknown" : address.hostAddress();
  }

  private Optional<String> bucketOf(SimpleResourceInfo resource) {
    String id = resource.getResourceClass().getName() + "#" + resource.getMethodName();
    return bucketByMethod.computeIfAbsent(id, ignored -> {
      try {
        var method = resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
        return Optional.ofNullable(method.getAnnotation(RateLimited.class)).map(RateLimited::value);
      } catch (NoSuchMethodException e) {
        return Optional.empty();
      }
    });
  }
}
