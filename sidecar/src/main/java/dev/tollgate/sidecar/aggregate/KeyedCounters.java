package dev.tollgate.sidecar.aggregate;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Running totals of one counter the agents report per (service, endpoint, one extra label), such
 * as breaker transitions by target state. Data points arrive cumulative (the OTel SDK's default)
 * or as deltas; both become one total per key that survives agent restarts: a cumulative value
 * that drops, or a new start time, is a reset, and the new count is added to the total.
 *
 * <p>At most {@code maxSeries} keys are kept; a point for a further key is dropped. Not
 * thread-safe: {@link ControllerState} guards it.
 */
final class KeyedCounters {
  private static final class Cell {
    double total;
    double lastCumulative;
    long startNanos;
    long updatedMillis;
  }

  private final ControllerState.Counter counter;
  private final int maxSeries;
  private final Map<ControllerState.CounterKey, Cell> cells = new HashMap<>();

  KeyedCounters(ControllerState.Counter counter, int maxSeries) {
    this.counter = counter;
    this.maxSeries = maxSeries;
  }

  /**
   * Adds a data point.
   *
   * @param cumulative true for cumulative temporality, false for delta
   * @return false when the point was dropped because the cap was reached
   */
  boolean add(
      String service,
      String endpoint,
      String label,
      double value,
      long startNanos,
      boolean cumulative,
      long nowMillis) {
    if (!Double.isFinite(value) || value < 0) {
      return true; // not a count: ignored, not dropped
    }
    ControllerState.CounterKey key =
        new ControllerState.CounterKey(
            counter,
            ControllerState.clip(service),
            ControllerState.clip(endpoint),
            ControllerState.clip(label));
    Cell cell = cells.get(key);
    if (cell == null) {
      if (cells.size() >= maxSeries) {
        return false;
      }
      cell = new Cell();
      cells.put(key, cell);
      if (cumulative) {
        cell.total = value;
        cell.lastCumulative = value;
        cell.startNanos = startNanos;
        cell.updatedMillis = nowMillis;
        return true;
      }
    }
    if (!cumulative) {
      cell.total += value;
    } else if (startNanos != cell.startNanos || value < cell.lastCumulative) {
      cell.total += value; // the agent restarted: its count began again from zero
      cell.startNanos = startNanos;
      cell.lastCumulative = value;
    } else {
      cell.total += value - cell.lastCumulative;
      cell.lastCumulative = value;
    }
    cell.updatedMillis = nowMillis;
    return true;
  }

  /** Puts every key's running total into {@code out}. */
  void totals(Map<ControllerState.CounterKey, Double> out) {
    cells.forEach((k, v) -> out.put(k, v.total));
  }

  /** Forgets keys not updated since {@code oldestMillis}, freeing their places under the cap. */
  void expire(long oldestMillis) {
    for (Iterator<Cell> it = cells.values().iterator(); it.hasNext(); ) {
      if (it.next().updatedMillis < oldestMillis) {
        it.remove();
      }
    }
  }
}
