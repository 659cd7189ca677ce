package dev.tollgate.sidecar.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sidecar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  private static final ControllerState.Counter TRANSITIONS =
      ControllerState.Counter.BREAKER_TRANSITIONS;
  private static final ControllerState.Counter RETRIES = ControllerState.Counter.RETRIES;
  private static final ControllerState.Counter WAITS = ControllerState.Counter.WAITS;

  private Double total(ControllerState.Counter c, String service, String endpoint, String label) {
    return state.counterTotals().get(new ControllerState.CounterKey(c, service, endpoint, label));
  }

  @Test
  void transitionCountersHandleCumulativeDeltaAndResets() {
    state.count(TRANSITIONS, "svc", "main", "open", 2, 100, true);
    state.count(TRANSITIONS, "svc", "main", "open", 5, 100, true);
    assertThat(state.counterTotals(TRANSITIONS).values()).containsExactly(5.0);
    state.count(TRANSITIONS, "svc", "main", "open", 1, 900, true); // agent restarted
    assertThat(state.counterTotals(TRANSITIONS).values()).containsExactly(6.0);
    state.count(TRANSITIONS, "svc", "main", "closed", 1, 0, false);
    state.count(TRANSITIONS, "svc", "main", "closed", 1, 0, false);
    assertThat(total(TRANSITIONS, "svc", "main", "closed")).isEqualTo(2.0);
  }

  @Test
  void retryCountersAreCumulativeRunningTotalsPerReason() {
    state.count(RETRIES, "svc", "main", "429", 3, 100, true);
    state.count(RETRIES, "svc", "main", "429", 7, 100, true);
    state.count(RETRIES, "svc", "main", "503", 1, 100, true);
    state.count(RETRIES, "svc", "main", "429", 7, 100, true); // no change since the last export
    assertThat(total(RETRIES, "svc", "main", "429")).isEqualTo(7.0);
    assertThat(total(RETRIES, "svc", "main", "503")).isEqualTo(1.0);
    assertThat(state.counterTotals(RETRIES)).hasSize(2);
  }

  @Test
  void retryCountersSurviveAnAgentRestart() {
    state.count(RETRIES, "svc", "main", "timeout", 10, 100, true);
    // A lower value with the same start time (an exporter without start times): a reset too.
    state.count(RETRIES, "svc", "main", "timeout", 2, 100, true);
    assertThat(total(RETRIES, "svc", "main", "timeout")).isEqualTo(12.0);
    // A new start time: a reset even though the value went up.
    state.count(RETRIES, "svc", "main", "timeout", 4, 500, true);
    assertThat(total(RETRIES, "svc", "main", "timeout")).isEqualTo(16.0);
    state.count(RETRIES, "svc", "main", "timeout", 6, 500, true);
    assertThat(total(RETRIES, "svc", "main", "timeout")).isEqualTo(18.0);
  }

  @Test
  void waitCountersAddDeltas() {
    state.count(WAITS, "svc", "main", "requests", 2, 100, false);
    state.count(WAITS, "svc", "main", "requests", 3, 200, false);
    state.count(WAITS, "svc", "main", "tokens", 1, 100, false);
    state.count(WAITS, "svc", "main", "requests", 0, 300, false);
    assertThat(total(WAITS, "svc", "main", "requests")).isEqualTo(5.0);
    assertThat(total(WAITS, "svc", "main", "tokens")).isEqualTo(1.0);
  }

  @Test
  void waitCountersSurviveAnAgentRestart() {
    state.count(WAITS, "a", "dify", "concurrency", 40, 100, true);
    state.count(WAITS, "a", "dify", "concurrency", 45, 100, true);
    state.count(WAITS, "a", "dify", "concurrency", 3, 700, true); // agent restarted
    assertThat(total(WAITS, "a", "dify", "concurrency")).isEqualTo(48.0);
  }

  @Test
  void countersAreKeptApartByCounterServiceAndEndpoint() {
    // The same label value under two counters, services and endpoints: five series.
    state.count(RETRIES, "a", "main", "requests", 1, 1, true);
    state.count(WAITS, "a", "main", "requests", 2, 1, true);
    state.count(WAITS, "b", "main", "requests", 3, 1, true);
    state.count(WAITS, "a", "other", "requests", 4, 1, true);
    state.count(TRANSITIONS, "a", "main", "open", 5, 1, true);
    assertThat(state.counterTotals()).hasSize(5);
    assertThat(total(RETRIES, "a", "main", "requests")).isEqualTo(1.0);
    assertThat(total(WAITS, "a", "main", "requests")).isEqualTo(2.0);
    assertThat(total(WAITS, "b", "main", "requests")).isEqualTo(3.0);
    assertThat(total(WAITS, "a", "other", "requests")).isEqualTo(4.0);
    assertThat(state.counterTotals(WAITS)).hasSize(3);
  }

  @Test
  void invalidCounterValuesAreIgnored() {
    state.count(RETRIES, "svc", "main", "429", 4, 1, true);
    state.count(RETRIES, "svc", "main", "429", Double.NaN, 1, true);
    state.count(RETRIES, "svc", "main", "429", -1, 1, false);
    state.count(WAITS, "svc", "main", "tokens", Double.POSITIVE_INFINITY, 1, false);
    assertThat(state.counterTotals()).hasSize(1);
    assertThat(total(RETRIES, "svc", "main", "429")).isEqualTo(4.0);
    assertThat(state.dropped()).isZero();
  }

  @Test
  void eachCounterIsCappedAtMaxSeriesAndDropsTheRest() {
    ControllerState capped = new ControllerState(clock, Duration.ofMinutes(5), 3);
    for (String reason : List.of("429", "500", "503", "timeout", "connect_error")) {
      capped.count(RETRIES, "svc", "main", reason, 1, 1, true);
    }
    assertThat(capped.counterTotals(RETRIES)).hasSize(3);
    assertThat(capped.dropped()).isEqualTo(2);
    // Keys already held keep counting at the cap.
    capped.count(RETRIES, "svc", "main", "429", 5, 1, true);
    assertThat(
            capped
                .counterTotals()
                .get(new ControllerState.CounterKey(RETRIES, "svc", "main", "429")))
        .isEqualTo(5.0);
    // The cap is per counter: waits and transitions still have room.
    capped.count(WAITS, "svc", "main", "requests", 1, 1, false);
    capped.count(TRANSITIONS, "svc", "main", "open", 1, 1, true);
    assertThat(capped.counterTotals()).hasSize(5);
    assertThat(capped.dropped()).isEqualTo(2);
  }

  @Test
  void countersLastADayWithoutReportsAndThenFreeTheirPlace() {
    ControllerState capped = new ControllerState(clock, Duration.ofMinutes(5), 1);
    capped.count(WAITS, "svc", "main", "requests", 2, 1, true);
    clock.advance(Duration.ofHours(23));
    assertThat(capped.counterTotals(WAITS)).hasSize(1); // kept well past the gauges' 5 minutes
    capped.count(WAITS, "svc", "main", "tokens", 1, 1, true);
    assertThat(capped.dropped()).isEqualTo(1);
    clock.advance(Duration.ofHours(2));
    assertThat(capped.counterTotals(WAITS)).isEmpty();
    capped.count(WAITS, "svc", "main", "tokens", 1, 1, true);
    assertThat(capped.counterTotals(WAITS).values()).containsExactly(1.0);
  }

  @Test
  void counterLabelValuesAreCutLikeSeriesValues() {
    String longReason = "x".repeat(SeriesKey.MAX_VALUE_LENGTH + 50);
    state.count(RETRIES, "svc", "main", longReason, 1, 1, true);
    assertThat(state.counterTotals(RETRIES).keySet())
        .singleElement()
        .satisfies(k -> assertThat(k.label()).hasSize(SeriesKey.MAX_VALUE_LENGTH));
  }
}
