package shop.orders.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.util.List;

/**
 * Refuses to start without the token verification settings. They have no default outside the local, dev and test
 * profiles (whose key pair is committed, so anyone could sign tokens for it), and smallrye-jwt reads them only when
 * the first token arrives: without this check a misconfigured pod would start and answer every request 401 or 500.
 */
@ApplicationScoped
class SecurityStartupCheck {
  static final List<String> REQUIRED = List.of(
      "mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "mp.jwt.verify.audiences");

  void check(@Observes StartupEvent start, Config config) {
    for (String name : REQUIRED) {
      String value;
      try {
        value = config.getOptionalValue(name, String.class).orElse("");
      } catch (RuntimeException unresolved) {
        value = "";   // an expression whose variable is not set
      }
      if (value.isBlank()) {
        throw new IllegalStateException(name + " is not set (JWT_PUBLIC_KEY_LOCATION, JWT_ISSUER, JWT_AUDIENCE): "
            + "tokens cannot be verified safely, the service does not start");
      }
    }
  }
}
