package shop.orders.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pool's configured maximum as a metric ({@code db_pool_max_size}): Agroal reports how many connections are
 * active and awaited, not how many there may be, and the pool-saturation alert needs the ratio.
 */
@Startup
@ApplicationScoped
public class PoolSizeMetric {
  PoolSizeMetric(MeterRegistry registry, @ConfigProperty(name = "quarkus.datasource.jdbc.max-size") int maxSize) {
    Gauge.builder("db.pool.max.size", () -> maxSize)
        .description("quarkus.datasource.jdbc.max-size of this pod")
        .register(registry);
  }
}
