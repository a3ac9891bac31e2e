package shop.orders.catalog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The markers' life: trusted, then one order re-checks while the others are still refused, then gone. No boot and
 * no sleeping: the test moves the markers' ticker.
 */
class SoldOutMarkersTests {
  private static final List<String> SKU = List.of("EVENT-1");

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SoldOutMarkers markers = markers("PT2S", "PT1S");

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void aFreshMarkerRefusesEveryone() {
    markers.markSoldOut("EVENT-1");

    assertThat(IntStream.range(0, 50).mapToObj(i -> markers.soldOutAmong(List.of("OTHER", "EVENT-1"))))
        .allSatisfy(soldOut -> assertThat(soldOut).containsExactly("EVENT-1"));
  }

  @Test
  void nearItsEndOneOrderReChecksAndTheOthersAreStillRefused() {
    long beforeMark = now.getAndIncrement();
    markers.markSoldOut("EVENT-1");
    long afterMark = now.incrementAndGet();
    advance(Duration.ofMillis(999));
    assertThat(markers.soldOutAmong(SKU)).as("not yet in its last second").containsExactly("EVENT-1");
    advance(Duration.ofMillis(300));   // into the last second of a 2 s marker

    var answers = IntStream.range(0, 50).mapToObj(i -> markers.soldOutAmong(SKU)).toList();
    assertThat(answers.stream().filter(List::isEmpty)).as("orders let through to the database").hasSize(1);
    // the one let through is not sent back by the marker it is re-checking, an order that arrived after it is
    assertThat(markers.markedSince(SKU, afterMark)).isFalse();
    assertThat(markers.markedSince(SKU, beforeMark)).isTrue();

    markers.markSoldOut("EVENT-1");   // its transaction found the SKU still sold out
    assertThat(markers.soldOutAmong(SKU)).containsExactly("EVENT-1");
  }

  @Test
  void anUnrenewedMarkerExpiresOnTime() {
    markers.markSoldOut("EVENT-1");
    advance(Duration.ofMillis(1_300));
    assertThat(IntStream.range(0, 10).filter(i -> markers.soldOutAmong(SKU).isEmpty())).hasSize(1);
    advance(Duration.ofMillis(699));
    assertThat(markers.soldOutAmong(SKU)).as("1 ns before the TTL").containsExactly("EVENT-1");
    advance(Duration.ofMillis(1));   // the 2 s TTL: the re-check did not renew it (stock came back)

    assertThat(IntStream.range(0, 10).filter(i -> markers.soldOutAmong(SKU).isEmpty())).hasSize(10);
  }

  @Test
  void aReleaseClearsTheMarkerAtOnce() {
    markers.markSoldOut("EVENT-1");
    markers.clear(SKU);

    assertThat(markers.soldOutAmong(SKU)).isEmpty();
  }

  private SoldOutMarkers markers(String ttl, String recheckAhead) {
    CatalogConfig config = new SmallRyeConfigBuilder().withMapping(CatalogConfig.class)
        .withDefaultValues(Map.of("catalog.sold-out.ttl", ttl, "catalog.sold-out.recheck-ahead", recheckAhead))
        .build().getConfigMapping(CatalogConfig.class);
    var registry = new SimpleMeterRegistry();
    return new SoldOutMarkers(config, registry, new HotSkuGate(config, registry, now::get), now::get);
  }
}
