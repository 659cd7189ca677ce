package dev.tollgate.sidecar.alerts;

import java.time.Instant;

/**
 * The state of one alert instance (a rule and one combination of its group-by labels):
 *
 * <pre>
 *   inactive --breach--> pending --held for 'for'--> firing --cleared (past the margin, for
 *   'keep_firing_for')--> resolved --breach--> pending ...
 * </pre>
 *
 * A rule with {@code for: 0s} goes from inactive straight to firing. Pending that stops breaching
 * goes back to inactive without a notification.
 */
public sealed interface AlertState {
  /** The state's name in the API and the store. */
  String label();

  /** Nothing to report. */
  record Inactive() implements AlertState {
    @Override
    public String label() {
      return "inactive";
    }
  }

  AlertState INACTIVE = new Inactive();

  /**
   * Breaching, but not yet for the rule's {@code for}.
   *
   * @param activeAt when the breach began
   * @param value the latest value
   */
  record Pending(Instant activeAt, double value) implements AlertState {
    @Override
    public String label() {
      return "pending";
    }
  }

  /**
   * Firing.
   *
   * @param activeAt when the breach began (pending included)
   * @param firingSince when it turned firing
   * @param value the latest value
   * @param lastNotified when receivers were last told (firing or repeat)
   * @param clearSince when the value first cleared, while {@code keep_firing_for} runs; else null
   */
  record Firing(
      Instant activeAt, Instant firingSince, double value, Instant lastNotified, Instant clearSince)
      implements AlertState {
    @Override
    public String label() {
      return "firing";
    }
  }

  /**
   * Was firing, has resolved; kept until the next breach or until its group disappears.
   *
   * @param activeAt when the breach that fired began
   * @param firingSince when it turned firing
   * @param resolvedAt when it resolved
   * @param value the value at resolution (NaN: no data)
   */
  record Resolved(Instant activeAt, Instant firingSince, Instant resolvedAt, double value)
      implements AlertState {
    @Override
    public String label() {
      return "resolved";
    }
  }
}
