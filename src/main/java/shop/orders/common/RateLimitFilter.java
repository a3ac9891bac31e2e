package shop.orders.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Applies {@link RateLimited} before the resource method: over the limit, 429 + Retry-After and nothing done. */
public class RateLimitFilter {
  private final RateLimiter limiter;
  private final RateLimitConfig config;
  private final CurrentIdentityAssociation identities;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Optional<String>> bucketByMethod = new ConcurrentHashMap<>();

  RateLimitFilter(RateLimiter limiter, RateLimitConfig config, CurrentIdentityAssociation identities,
                  MeterRegistry registry) {
    this.limiter = limiter;
    this.config = config;
    this.identities = identities;
    this.registry = registry;
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
      return limiter.check(bucket.get(), jwt.getSubject()).map(wait -> wait.map(w -> tooMany(bucket.get(), w)).orElse(null));
    });
  }

  private Response tooMany(String bucket, java.time.Duration wait) {
    registry.counter("rate.limit.rejected", "bucket", bucket).increment();
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return new ApiException(Problem.of(429, "rate-limited", "Too many requests",
        "At most " + limiter.burst(bucket) + " " + bucket + " requests per " + limiter.per(bucket).toSeconds()
            + " s per customer; nothing was done. Retry after " + seconds + " s (with the same Idempotency-Key)."),
        java.time.Duration.ofSeconds(seconds)).toResponse();
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
