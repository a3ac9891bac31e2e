package shop.orders.admission;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A request's place at the door, without a boot: places counted by hand, time moved by the test. */
class AdmissionTicketTests {
  private final AtomicInteger free = new AtomicInteger(0);
  private final AtomicInteger given = new AtomicInteger();
  /** Each reading moves time 1 ms on, as the ticket's 1 ms naps would. */
  private final AtomicLong nanos = new AtomicLong();
  private final AdmissionTicket ticket = new AdmissionTicket(
      () -> free.getAndUpdate(n -> Math.max(0, n - 1)) > 0, given::incrementAndGet,
      () -> nanos.getAndAdd(Duration.ofMillis(1).toNanos()));

  @Test
  void aLentPlaceIsGivenBackOnceAndTakenAgainWhenOneIsFree() {
    ticket.lend();
    ticket.lend();
    assertThat(given).hasValue(1);
    assertThat(ticket.isLent()).isTrue();

    free.set(1);
    assertThat(ticket.reclaim(Duration.ofMillis(50))).isTrue();
    assertThat(ticket.isLent()).isFalse();
    assertThat(free).hasValue(0);
  }

  @Test
  void reclaimGivesUpAtItsDeadlineWhenTheDoorStaysFull() {
    ticket.lend();
    long start = nanos.get();

    assertThat(ticket.reclaim(Duration.ofMillis(30))).isFalse();

    assertThat(Duration.ofNanos(nanos.get() - start)).isBetween(Duration.ofMillis(30), Duration.ofMillis(32));
    assertThat(ticket.isLent()).as("still lent: the request is refused, nothing to give back").isTrue();
    assertThat(given).hasValue(1);
  }

  @Test
  void aHeldPlaceNeedsNoReclaim() {
    assertThat(ticket.reclaim(Duration.ofMillis(10))).isTrue();
    assertThat(given).hasValue(0);
  }
}
