package dev.tollgate.sidecar.alerts;

import java.util.List;
import java.util.Map;

/** Gives a rule its current values, one per group; the engine's only view of the data. */
@FunctionalInterface
public interface MetricSource {
  /**
   * One group's value.
   *
   * @param labels the group-by labels and their values (empty for an ungrouped rule)
   * @param value the metric's value; NaN for no data (no samples, or fewer calls than the rule's
   *     {@code min_calls})
   */
  record Sample(Map<String, String> labels, double value) {}

  /** Values for every group the rule's scope currently has data for. */
  List<Sample> sample(Rule rule);
}
