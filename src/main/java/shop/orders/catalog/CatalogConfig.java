package shop.orders.catalog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The catalog (db/seed/R__seed_catalog.sql reads {@code catalog.seed} through a Flyway placeholder). */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {
  /** Fill the catalog with demo products at startup: 1,000 SKUs and a few event SKUs. For the local run only. */
  @WithDefault("false")
  boolean seed();
}
