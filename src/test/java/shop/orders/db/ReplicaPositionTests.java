package shop.orders.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReplicaPositionTests {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void unknownUntilTheReplicaReachesASample() {
    var position = new ReplicaPosition(10);
    assertThat(position.lagSeconds(0)).isInfinite();
    position.primaryAt(0, 100);
    assertThat(position.replicaAt(99)).as("not at the latest sample").isFalse();
    assertThat(position.lagSeconds(SECOND)).isInfinite();
    assertThat(position.replicaAt(100)).as("at the latest sample").isTrue();
    assertThat(position.lagSeconds(SECOND)).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void aCaughtUpReplicaLagsOnlyBySinceTheLatestSample() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100);
    position.replicaAt(100);
    position.primaryAt(SECOND / 2, 100);   // an idle primary: nothing new to replay is no lag
    position.replicaAt(100);
    assertThat(position.lagSeconds(SECOND / 2)).isZero();
  }

  @Test
  void aReplicaThatStopsReplayingFallsBehindAsTimeGoesOn() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100);
    position.replicaAt(100);
    for (int i = 1; i <= 6; i++) {   // the primary writes on; the replica stays at 100 (paused, or its stream stalled)
      position.primaryAt(i * SECOND / 2, 100 + i);
      position.replicaAt(100);
    }
    assertThat(position.lagSeconds(3 * SECOND)).isCloseTo(3.0, within(1e-9));
    assertThat(position.replicaAt(103)).isFalse();   // replays again: holds what the primary had at 1.5 s
    assertThat(position.lagSeconds(3 * SECOND)).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void aReplicaBeyondTheRememberedSamplesKeepsItsOldPosition() {
    var position = new ReplicaPosition(2);
    position.primaryAt(0, 100);
    position.replicaAt(100);
    position.primaryAt(SECOND, 200);
    position.primaryAt(2 * SECOND, 300);
    position.primaryAt(3 * SECOND, 400);
    position.replicaAt(150);   // past the first sample, which is forgotten: nothing newer is known to be held
    assertThat(position.lagSeconds(4 * SECOND)).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void aReplicaPositionNeverMovesTheHorizonBack() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100);
    position.primaryAt(SECOND, 200);
    position.replicaAt(200);
    position.replicaAt(100);   // a replica behind the read-only address that is further behind than the last one
    assertThat(position.lagSeconds(SECOND)).isZero();
  }
}
