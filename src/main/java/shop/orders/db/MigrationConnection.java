package shop.orders.db;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.Optional;

/**
 * Flyway connects on its own, to the datasource's database as its user, instead of borrowing the pool's
 * connections: those carry the request path's {@code statement_timeout} (5 s), which would cut a long backfill, and
 * a migration's {@code SET lock_timeout} would stay on a pooled connection after it. (Quarkus' own
 * {@code quarkus.flyway.username/password} do the same but refuse an empty password, which the local run has.)
 */
@ApplicationScoped
public class MigrationConnection implements FlywayConfigurationCustomizer {
  private final String url;
  private final String user;
  private final String password;

  MigrationConnection(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
    this.url = url;
    this.user = user.orElse(null);
    this.password = password.orElse("");
  }

  @Override
  public void customize(FluentConfiguration configuration) {
    configuration.dataSource(url, user, password);
  }
}
