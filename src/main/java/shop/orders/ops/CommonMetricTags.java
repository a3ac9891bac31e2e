package shop.orders.ops;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Every meter carries {@code app="order-service"}, which the alert rules in ops/prometheus select on. */
public class CommonMetricTags {
  @Produces
  @Singleton
  MeterFilter appTag() {
    return MeterFilter.commonTags(Tags.of("app", "order-service"));
  }
}
