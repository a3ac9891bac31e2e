package shop.orders.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.time.InstantSource;

/**
 * A token that says it was issued in the future, beyond the clocks' skew, is refused (401): smallrye-jwt bounds a
 * token's life ({@code exp - iat}, an hour) but not where {@code iat} lies, so a token minted with {@code iat} 50
 * minutes ahead was accepted for almost two hours. The skew is smallrye-jwt's own for {@code exp} (60 s).
 */
@ApplicationScoped
class TokenIssuedAtCheck implements SecurityIdentityAugmentor {
  static final Duration SKEW = Duration.ofSeconds(60);
  private final InstantSource clock;

  TokenIssuedAtCheck(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
    if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt
        && jwt.getIssuedAtTime() > clock.instant().plus(SKEW).getEpochSecond()) {
      return Uni.createFrom().failure(new AuthenticationFailedException("token issued in the future"));
    }
    return Uni.createFrom().item(identity);
  }
}
