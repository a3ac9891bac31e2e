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

  public boolean isAdmin() {
    return identity.hasRole(ADMIN);
  }
}
