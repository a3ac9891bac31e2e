package shop.orders.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.regex.Pattern;

/**
 * A verified token whose subject cannot be a customer id is refused (401) before anything uses it: the subject is
 * stored with every order, payment and key (at most 128 characters) and used in Redis keys and log lines, so it must
 * be 1..128 visible ASCII characters. Checked once per request, where authentication ends.
 */
@ApplicationScoped
class TokenSubjectCheck implements SecurityIdentityAugmentor {
  static final int MAX_LENGTH = 128;
  private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");

  @Override
  public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
    if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt
        && (jwt.getSubject() == null || !VALID.matcher(jwt.getSubject()).matches())) {
      return Uni.createFrom().failure(new AuthenticationFailedException(
          "token subject is not a customer id (1.." + MAX_LENGTH + " visible ASCII characters)"));
    }
    return Uni.createFrom().item(identity);
  }
}
