package shop.orders.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is calling: the JWT {@code sub} is the customer id; group {@code admin} marks an operator. */
@RequestScoped
public class Caller {
  public static final String ADMIN = "admin";

  @Inject
  JsonWebToken jwt;
  @Inject
  SecurityIdentity identity;

  public String customerId() {
    String sub = jwt.getSubject();
    if (sub == null || sub.isBlank()) {
      throw new io.quarkus.security.AuthenticationFailedException("token has no subject");
    }
    return sub;
  }

  /**
   * The customer a verified identity speaks for (its token's {@code sub}); null for an anonymous caller or one
   * whose token failed. For the filters that run before a resource method (the door, the rate limits).
   */
  public static String customerOf(SecurityIdentity identity) {
    return identity != null && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token
        ? token.getSubject() : null;
  }

  public boolean isAdmin() {
    return identity.hasRole(ADMIN);
  }
}
