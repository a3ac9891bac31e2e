package shop.orders.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;

/**
 * Bearer tokens already verified, so that a customer's next requests skip parsing the token and checking its
 * signature (a sixth of the order path's CPU samples, measured with JFR: docs/benchmarks.md). Each is kept under the
 * SHA-256 of its exact text (a token changed in any byte is another key, verified afresh) until its {@code exp},
 * and at most {@code security.token-cache.max-age}; a failed verification is never kept. What it trades: a token is
 * accepted until then even if the identity provider's key that signed it is withdrawn meanwhile (this service has no
 * revocation list; tokens live an hour at most anyway, {@code smallrye.jwt.time-to-live}). It is smallrye-jwt's
 * documented extension point, a {@code JWTCallerPrincipalFactory} alternative: Quarkus still builds the request's
 * identity from the token (groups, subject check) on every request.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens extends DefaultJWTCallerPrincipalFactory {
  private record Verified(JWTCallerPrincipal token, long untilMillis) {}

  private final TokenCacheConfig config;
  private final InstantSource clock;
  private final Cache<ByteBuffer, Verified> verified;
  private final Counter hits;
  private final Counter misses;

  VerifiedTokens(TokenCacheConfig config, InstantSource clock, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.verified = Caffeine.newBuilder().maximumSize(config.maxSize()).expireAfterWrite(config.maxAge()).build();
    this.hits = Counter.builder("auth.token.cache.requests").tag("result", "hit")
        .description("Bearer tokens found verified already (hit) or verified now (miss)").register(registry);
    this.misses = Counter.builder("auth.token.cache.requests").tag("result", "miss").register(registry);
  }

  @Override
  public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
    if (!config.enabled()) {
      return super.parse(token, authContextInfo);
    }
    ByteBuffer key = sha256(token);
    Verified known = verified.getIfPresent(key);
    if (known != null && clock.millis() < known.untilMillis()) {
      hits.increment();
      return known.token();
    }
    misses.increment();
    JWTCallerPrincipal parsed = super.parse(token, authContextInfo);
    if (parsed.getExpirationTime() > 0) {
      verified.put(key, new Verified(parsed, parsed.getExpirationTime() * 1000));
    }
    return parsed;
  }

  private static ByteBuffer sha256(String token) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
