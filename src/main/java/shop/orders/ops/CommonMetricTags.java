package shop.orders.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;

/** Every meter carries {@code app="order-service"}, which the alert rules in ops/prometheus select on. */
public class CommonMetricTags {
  @Produces
  @Singleton
  MeterFilter appTag() {
    return MeterFilter.commonTags(Tags.of("app", "order-service"));
  }

  /** HTTP server latency as a histogram with the SLO's buckets, so p99 and "share under 50 ms" are queryable. */
  @Produces
  @Singleton
  MeterFilter httpSloBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals("http.server.requests")) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(SLO_BUCKETS_SECONDS)
            .build()
            .merge(config);
      }
    };
  }

  private static final double[] SLO_BUCKETS_SECONDS = {
      Duration.ofMillis(5).toNanos(), Duration.ofMillis(20).toNanos(), Duration.ofMillis(50).toNanos(),
      Duration.ofMillis(100).toNanos(), Duration.ofMillis(250).toNanos(), Duration.ofMillis(500).toNanos(),
      Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(5).toNanos()};
}
