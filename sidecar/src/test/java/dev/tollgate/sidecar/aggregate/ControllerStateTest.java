package dev.tollgate.sidecar.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sidecar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ControllerStateTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final ControllerState state = new ControllerState(clock, Duration.ofMinutes(5), 100);

  @Test
  void latestGaugeWinsAndOlderPointsAreIgnored() {
    state.gauge("svc", "main", ControllerState.Kind.QUEUE_DEPTH, 3, 200);
    state.gauge("svc", "main", ControllerState.Kind.QUEUE_DEPTH, 9, 100); // older, arrives late
    state.gauge("svc", "main", ControllerState.Kind.CONCURRENCY_LIMIT, 50, 200);
    ControllerState.Snapshot s = state.snapshot(Filter.ALL);
    assertThat(s.queueDepth()).containsEntry("main", 3.0);
    assertThat(s.concurrencyLimit()).containsEntry("main", 50.0);
  }

  @Test
  void breakerShowsTheWorstStateAcrossServices() {
    state.gauge("a", "dify", ControllerState.Kind.BREAKER_STATE, 0, 1);
    state.gauge("b", "dify", ControllerState.Kind.BREAKER_STATE, 2, 1);
    assertThat(state.snapshot(Filter.ALL).breakers()).containsEntry("dify", "half_open");
    state.gauge("c", "dify", ControllerState.Kind.BREAKER_STATE, 1, 1);
    assertThat(state.snapshot(Filter.ALL).breakers()).containsEntry("dify", "open");
    assertThat(state.snapshot(Filter.ALL.and(Dimension.SERVICE, "a")).breakers())
        .containsEntry("dify", "closed");
  }

  @Test
  void staleGaugesDisappear() {
    state.gauge("svc", "main", ControllerState.Kind.IN_FLIGHT, 4, 1);
    clock.advance(Duration.ofMinutes(6));
    assertThat(state.snapshot(Filter.ALL).inFlight()).isEmpty();
    assertThat(state.gauges()).isEmpty();
  }

  @Test
  void transitionCountersHandleCumulativeDeltaAndResets() {
    state.transitions("svc", "main", "open", 2, 100, true);
    state.transitions("svc", "main", "open", 5, 100, true);
    assertThat(state.transitionTotals().values()).containsExactly(5.0);
    state.transitions("svc", "main", "open", 1, 900, true); // agent restarted
    assertThat(state.transitionTotals().values()).containsExactly(6.0);
    state.transitions("svc", "main", "closed", 1, 0, false);
    state.transitions("svc", "main", "closed", 1, 0, false);
    assertThat(
            state
                .transitionTotals()
                .get(new ControllerState.TransitionKey("svc", "main", "closed")))
        .isEqualTo(2.0);
  }
}
