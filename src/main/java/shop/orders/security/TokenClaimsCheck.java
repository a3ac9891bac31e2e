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
import java.util.regex.Pattern;

/**
 * What smallrye-jwt does not check of a verified token, checked once per request where authentication ends; a token
 * that fails is refused (401) before anything uses it:
 * <ul>
 *   <li>its subject must be a customer id: it is stored with every order, payment and key (at most 128 characters)
 *   and used in Redis keys and log lines, so it must be 1..128 visible ASCII characters;</li>
 *   <li>it must not say it was issued in the future beyond the clocks' skew: smallrye-jwt bounds a token's life
 *   ({@code exp - iat}, an hour) but not where {@code iat} lies, so a token minted with {@code iat} 50 minutes ahead
 *   was accepted for almost two hours. The skew is smallrye-jwt's own for {@code exp} (60 s).</li>
 * </ul>
 */
@ApplicationScoped
class TokenClaimsCheck implements SecurityIdentityAugmentor {
  static final int MAX_LENGTH = 128;
  static final Duration SKEW = Duration.ofSeconds(60);
  private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");
  private final InstantSource clock;

  TokenClaimsCheck(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    if (jwt.getSubject() == null || !VALID.matcher(jwt.getSubject()).matches()) {
      return Uni.createFrom().failure(new AuthenticationFailedException(
          "token subject is not a customer id (1.." + MAX_LENGTH + " visible ASCII characters)"));
    }
    if (jwt.getIssuedAtTime() > clock.instant().plus(SKEW).getEpochSecond()) {
      return Uni.createFrom().failure(new AuthenticationFailedException("token issued in the future"));
    }
    return Uni.createFrom().item(identity);
  }
}
