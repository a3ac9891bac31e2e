package shop.orders.ratelimit;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import shop.orders.problem.ApiException;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Applies {@link RateLimited} before the resource method: over the limit, 429 + Retry-After and nothing done. */
public class RateLimitFilter {
  private final RateLimiter limiter;
  private final RateLimitConfig config;
  private final CurrentIdentityAssociation identities;
  private final ConcurrentHashMap<String, Optional<String>> bucketByMethod = new ConcurrentHashMap<>();

  RateLimitFilter(RateLimiter limiter, RateLimitConfig config, CurrentIdentityAssociation identities) {
    this.limiter = limiter;
    this.config = config;
    this.identities = identities;
  }

  @ServerRequestFilter(nonBlocking = true)
  public Uni<Response> limit(SimpleResourceInfo resource) {
    Optional<String> bucket = config.enabled() ? bucketOf(resource) : Optional.empty();
    if (bucket.isEmpty()) {
      return Uni.createFrom().nullItem();
    }
    return identities.getDeferredIdentity().chain(identity -> {
      if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getSubject() == null) {
        return Uni.createFrom().nullItem(); // authentication answers 401 next
      }
      return limiter.enforce(bucket.get(), jwt.getSubject()).replaceWith((Response) null)
          .onFailure(ApiException.class).recoverWithItem(refused -> ((ApiException) refused).toResponse());
    });
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
