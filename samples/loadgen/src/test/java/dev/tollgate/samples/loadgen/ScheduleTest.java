package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Open-loop and ramp-up arithmetic on a made-up clock. */
class ScheduleTest {
  private static final long T0 = 1_000_000_000_000L;

  @Test
  void openLoopRequestsAreDueAtFixedIntervalsFromTheStart() {
    assertThat(Schedule.dueNanos(T0, 1000, 0)).isEqualTo(T0);
    assertThat(Schedule.dueNanos(T0, 1000, 1)).isEqualTo(T0 + 1_000_000);
    assertThat(Schedule.dueNanos(T0, 1000, 2500)).isEqualTo(T0 + 2_500_000_000L);
    assertThat(Schedule.dueNanos(T0, 3, 1)).isEqualTo(T0 + 333_333_333);
    assertThat(Schedule.dueNanos(T0, 20_000, 20_000)).isEqualTo(T0 + 1_000_000_000L);
  }

  @Test
  void dueCountIsTheNumberOfRequestsWhoseTimeHasCome() {
    assertThat(Schedule.dueCount(T0, 1000, T0 - 1)).isZero();
    assertThat(Schedule.dueCount(T0, 1000, T0)).isEqualTo(1);
    assertThat(Schedule.dueCount(T0, 1000, T0 + 999_999)).isEqualTo(1);
    assertThat(Schedule.dueCount(T0, 1000, T0 + 1_000_000)).isEqualTo(2);
    assertThat(Schedule.dueCount(T0, 1000, T0 + 1_000_000_000L)).isEqualTo(1001);
    // Whatever the rate, dueCount agrees with dueNanos on both sides of every boundary.
    for (double rate : new double[] {1, 3, 7.5, 999, 20_000, 123_457}) {
      for (long i = 0; i < 2000; i += 37) {
        long due = Schedule.dueNanos(T0, rate, i);
        assertThat(Schedule.dueCount(T0, rate, due)).isEqualTo(i + 1);
        assertThat(Schedule.dueCount(T0, rate, due - 1)).isEqualTo(i);
      }
    }
  }

  @Test
  void aLateSenderDoesNotMoveTheSchedule() {
    // The point of the open loop: a request due at t keeps t as its start even if sent later,
    // so a stall of 50 ms at 1000 req/s shows up as 50 requests each waiting up to 50 ms.
    long stalledUntil = T0 + 50_000_000;
    long due = Schedule.dueCount(T0, 1000, stalledUntil);
    assertThat(due).isEqualTo(51);
    long worstWait = stalledUntil - Schedule.dueNanos(T0, 1000, 0);
    assertThat(worstWait).isEqualTo(50_000_000);
  }

  @Test
  void rampUpStartsConnectionsEvenlyOverTheRamp() {
    long ramp = 10_000_000_000L;
    assertThat(Schedule.rampOffsetNanos(0, 4, ramp)).isZero();
    assertThat(Schedule.rampOffsetNanos(1, 4, ramp)).isEqualTo(2_500_000_000L);
    assertThat(Schedule.rampOffsetNanos(3, 4, ramp)).isEqualTo(7_500_000_000L);
    assertThat(Schedule.rampOffsetNanos(3, 4, 0)).isZero();
    assertThat(Schedule.rampOffsetNanos(0, 1, ramp)).isZero();
  }
}
