package dev.tollgate.sidecar.alerts;

import java.time.Duration;
import java.time.Instant;

/**
 * The state machine of one alert instance, as a pure function: the rule, the current state, the
 * latest value (NaN for no data) and the evaluation time give the next state and at most one event
 * to notify. No clock, no IO.
 */
public final class Evaluator {
  private Evaluator() {}

  /** What receivers are told. */
  public enum Event {
    FIRING("firing"),
    REPEAT("repeat"),
    RESOLVED("resolved");

    private final String label;

    Event(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The next state, and the event to notify (null for none). */
  public record Step(AlertState next, Event event) {}

  public static Step step(Rule rule, AlertState state, double value, Instant now) {
    boolean breach = rule.breaches(value);
    if (state instanceof AlertState.Pending p) {
      if (!breach) {
        return new Step(AlertState.INACTIVE, null);
      }
      if (!elapsed(p.activeAt(), now, rule.forDuration())) {
        return new Step(new AlertState.Pending(p.activeAt(), value), null);
      }
      return new Step(new AlertState.Firing(p.activeAt(), now, value, now, null), Event.FIRING);
    }
    if (state instanceof AlertState.Firing f) {
      if (rule.clears(value)) {
        Instant clearSince = f.clearSince() == null ? now : f.clearSince();
        if (elapsed(clearSince, now, rule.keepFiringFor())) {
          return new Step(
              new AlertState.Resolved(f.activeAt(), f.firingSince(), now, value), Event.RESOLVED);
        }
        return new Step(
            new AlertState.Firing(
                f.activeAt(), f.firingSince(), value, f.lastNotified(), clearSince),
            null);
      }
      // Still firing: breaching, or hovering inside the hysteresis band.
      Duration repeat = rule.repeatInterval();
      if (!repeat.isZero() && elapsed(f.lastNotified(), now, repeat)) {
        return new Step(
            new AlertState.Firing(f.activeAt(), f.firingSince(), value, now, null), Event.REPEAT);
      }
      return new Step(
          new AlertState.Firing(f.activeAt(), f.firingSince(), value, f.lastNotified(), null),
          null);
    }
    // Inactive or Resolved: a breach starts a new episode.
    if (!breach) {
      return new Step(state, null);
    }
    if (rule.forDuration().isZero()) {
      return new Step(new AlertState.Firing(now, now, value, now, null), Event.FIRING);
    }
    return new Step(new AlertState.Pending(now, value), null);
  }

  private static boolean elapsed(Instant since, Instant now, Duration d) {
    return !now.isBefore(since.plus(d));
  }
}
