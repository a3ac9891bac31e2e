package shop.orders.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;

/**
 * Bearer tokens already verified, so that a customer's next requests skip parsing the token and checking its
 * signature (a seventh of the order path's CPU, measured with JFR: docs/benchmarks.md). Each is kept under the
 * SHA-256 of its exact text (a token changed in any byte is another key, verified afresh) until its {@code exp},
 * and at most {@code security.token-cache.max-age}; a failed verification is never kept. What it trades: a token is
 * accepted until then even if the identity provider's key that signed it is withdrawn meanwhile (this service has no
 * revocation list; tokens live an hour at most anyway, {@code smallrye.jwt.time-to-live}). Runs before Quarkus'
 * own verifier ({@link MpJwtValidator}), to which it hands every token it does not hold.
 */
@ApplicationScoped
class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {
  private record Verified(SecurityIdentity identity, long untilMillis) {}

  private final MpJwtValidator verifier;
  private final TokenCacheConfig config;
  private final InstantSource clock;
  private final Cache<ByteBuffer, Verified> verified;
  private final Counter hits;
  private final Counter misses;

  VerifiedTokens(MpJwtValidator verifier, TokenCacheConfig config, InstantSource clock, MeterRegistry registry) {
    this.verifier = verifier;
    this.config = config;
    this.clock = clock;
    this.verified = Caffeine.newBuilder().maximumSize(config.maxSize()).expireAfterWrite(config.maxAge()).build();
    this.hits = Counter.builder("auth.token.cache.requests").tag("result", "hit")
        .description("Bearer tokens found verified already (hit) or verified now (miss)").register(registry);
    this.misses = Counter.builder("auth.token.cache.requests").tag("result", "miss").register(registry);
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public int priority() {
    return SYSTEM_FIRST + 1;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    if (!config.enabled()) {
      return verifier.authenticate(request, context);
    }
    ByteBuffer key = sha256(request.getToken().getToken());
    Verified known = verified.getIfPresent(key);
    if (known != null && clock.millis() < known.untilMillis()) {
      hits.increment();
      return Uni.createFrom().item(known.identity());
    }
    misses.increment();
    return verifier.authenticate(request, context).invoke(identity -> {
      if (identity != null && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
        verified.put(key, new Verified(identity, jwt.getExpirationTime() * 1000));
      }
    });
  }

  private static ByteBuffer sha256(String token) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
