package shop.orders.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReplicaPositionTests {
  private static final long SECOND = 1_000_000_000L;
  /** When the primary's postmaster started (microseconds), as the samples report it. */
  private static final long STARTED = 1_800_000_000_000_000L;

  private static ReplicaPosition.Server standby(long replayLsn) {
    return ReplicaPosition.Server.standby(replayLsn, STARTED + 5);
  }

  @Test
  void unknownUntilTheReplicaReachesASample() {
    var position = new ReplicaPosition(10);
    assertThat(position.lagSeconds(0)).isInfinite();
    position.primaryAt(0, 100, STARTED);
    assertThat(position.replicaAt(standby(99))).as("not at the latest sample").isFalse();
    assertThat(position.lagSeconds(SECOND)).isInfinite();
    assertThat(position.replicaAt(standby(100))).as("at the latest sample").isTrue();
    assertThat(position.lagSeconds(SECOND)).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void aCaughtUpReplicaLagsOnlyBySinceTheLatestSample() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100, STARTED);
    position.replicaAt(standby(100));
    position.primaryAt(SECOND / 2, 100, STARTED);   // an idle primary: nothing new to replay is no lag
    position.replicaAt(standby(100));
    assertThat(position.lagSeconds(SECOND / 2)).isZero();
  }

  @Test
  void aReplicaThatStopsReplayingFallsBehindAsTimeGoesOn() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100, STARTED);
    position.replicaAt(standby(100));
    for (int i = 1; i <= 6; i++) {   // the primary writes on; the replica stays at 100 (paused, or its stream stalled)
      position.primaryAt(i * SECOND / 2, 100 + i, STARTED);
      position.replicaAt(standby(100));
    }
    assertThat(position.lagSeconds(3 * SECOND)).isCloseTo(3.0, within(1e-9));
    assertThat(position.replicaAt(standby(103))).isFalse();   // replays again: holds what the primary had at 1.5 s
    assertThat(position.lagSeconds(3 * SECOND)).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void aReplicaBeyondTheRememberedSamplesKeepsItsOldPosition() {
    var position = new ReplicaPosition(2);
    position.primaryAt(0, 100, STARTED);
    position.replicaAt(standby(100));
    position.primaryAt(SECOND, 200, STARTED);
    position.primaryAt(2 * SECOND, 300, STARTED);
    position.primaryAt(3 * SECOND, 400, STARTED);
    position.replicaAt(standby(150));   // past the first sample, which is forgotten: nothing newer is known to be held
    assertThat(position.lagSeconds(4 * SECOND)).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void aReplicaPositionNeverMovesTheHorizonBack() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100, STARTED);
    position.primaryAt(SECOND, 200, STARTED);
    position.replicaAt(standby(200));
    position.replicaAt(standby(100));   // a replica behind the read-only address that is further behind than the last one
    assertThat(position.lagSeconds(SECOND)).isZero();
  }

  @Test
  void eachServerIsJudgedByItsOwnPositionNotTheCheckedOnes() {
    var position = new ReplicaPosition(10);
    position.primaryAt(0, 100, STARTED);
    position.primaryAt(SECOND, 200, STARTED);
    position.primaryAt(2 * SECOND, 300, STARTED);
    position.replicaAt(standby(300));   // the checker's connection reached a standby that keeps up
    assertThat(position.lagSeconds(3 * SECOND)).isCloseTo(1.0, within(1e-9));
    // a read's connection reached another standby behind the same address, still at the first sample
    assertThat(position.lagSecondsOf(standby(150), 3 * SECOND)).isCloseTo(3.0, within(1e-9));
    assertThat(position.lagSecondsOf(standby(300), 3 * SECOND)).isCloseTo(1.0, within(1e-9));
    assertThat(position.lagSecondsOf(standby(99), 3 * SECOND)).as("before every remembered sample").isInfinite();
  }

  @Test
  void whatAServerHeldStaysProvenAsOfTheSampleItHad() {
    var position = new ReplicaPosition(10);
    assertThat(position.holdsAsOf(standby(100), SECOND)).isEqualTo(ReplicaPosition.NOTHING_PROVEN);
    position.primaryAt(0, 100, STARTED);
    position.primaryAt(SECOND, 200, STARTED);
    assertThat(position.holdsAsOf(standby(150), 3 * SECOND)).as("the first sample's time").isZero();
    assertThat(position.holdsAsOf(standby(250), 3 * SECOND)).isEqualTo(SECOND);
    assertThat(position.holdsAsOf(ReplicaPosition.Server.notInRecovery(STARTED), 3 * SECOND))
        .as("the primary itself holds everything, now").isEqualTo(3 * SECOND);
    assertThat(position.holdsAsOf(ReplicaPosition.Server.notInRecovery(STARTED + 1), 3 * SECOND))
        .isEqualTo(ReplicaPosition.NOTHING_PROVEN);
  }

  @Test
  void thePrimaryItselfIsFreshAndAnyOtherPrimaryIsNeverRead() {
    var position = new ReplicaPosition(10);
    var itself = ReplicaPosition.Server.notInRecovery(STARTED);
    var fork = ReplicaPosition.Server.notInRecovery(STARTED + 1);   // a promoted standby, or the old primary back
    assertThat(position.isAnotherPrimary(itself)).as("no primary sampled yet: nothing to compare with").isTrue();
    position.primaryAt(0, 100, STARTED);
    assertThat(position.isAnotherPrimary(itself)).isFalse();
    assertThat(position.lagSecondsOf(itself, 5 * SECOND)).isZero();
    assertThat(position.isAnotherPrimary(fork)).isTrue();
    assertThat(position.lagSecondsOf(fork, SECOND)).isInfinite();
    assertThat(position.replicaAt(standby(100))).isTrue();
    position.primaryAt(SECOND, 200, STARTED);
    // a fork's WAL position means nothing against the primary's: whatever it is, the checked horizon stays
    assertThat(position.replicaAt(fork)).isTrue();
    assertThat(position.lagSeconds(2 * SECOND)).as("the horizon the standby reached, not the fork").isCloseTo(2.0,
        within(1e-9));
    position.primaryAt(2 * SECOND, 200, STARTED + 7);   // the primary restarted: the old start time is a fork now
    assertThat(position.isAnotherPrimary(itself)).isTrue();
  }
}
