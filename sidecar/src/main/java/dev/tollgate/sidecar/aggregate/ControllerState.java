package dev.tollgate.sidecar.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's gauges (queue depth, in flight, concurrency limit, breaker state) and breaker
 * transition counters, as the agents report them in OTLP metrics: the latest value per (service,
 * endpoint). A gauge not refreshed for {@code staleAfter} (an agent gone away) is forgotten.
 *
 * <p>Transition counters arrive cumulative (the OTel SDK's default) or as deltas; both are turned
 * into one running total per series that survives agent restarts (a cumulative value that drops,
 * or a new start time, is a reset).
 */
public final class ControllerState {
  /** A gauge the sidecar keeps. */
  public enum Kind {
    QUEUE_DEPTH,
    IN_FLIGHT,
    CONCURRENCY_LIMIT,
    BREAKER_STATE
  }

  /** Breaker state names by the agent's numeric value (0 closed, 1 open, 2 half-open). */
  public static String breakerName(double value) {
    return switch ((int) value) {
      case 1 -> "open";
      case 2 -> "half_open";
      default -> "closed";
    };
  }

  private static int severity(double state) {
    return switch ((int) state) {
      case 1 -> 2;
      case 2 -> 1;
      default -> 0;
    };
  }

  public record GaugeKey(String service, String endpoint, Kind kind) {}

  public record TransitionKey(String service, String endpoint, String toState) {}

  private static final class GaugeCell {
    double value;
    long timeNanos;
    long updatedMillis;
  }

  private static final class CounterCell {
    double total;
    double lastCumulative;
    long startNanos;
    long updatedMillis;
  }

  private final Clock clock;
  private final long staleAfterMillis;
  private final int maxSeries;
  private final Map<GaugeKey, GaugeCell> gauges = new HashMap<>();
  private final Map<TransitionKey, CounterCell> transitions = new HashMap<>();
  private long dropped;

  public ControllerState(Clock clock, Duration staleAfter, int maxSeries) {
    this.clock = clock;
    this.staleAfterMillis = staleAfter.toMillis();
    this.maxSeries = maxSeries;
  }

  /** Sets a gauge unless a newer point was already seen. */
  public synchronized void gauge(
      String service, String endpoint, Kind kind, double value, long timeNanos) {
    if (!Double.isFinite(value)) {
      return;
    }
    GaugeKey key = new GaugeKey(clip(service), clip(endpoint), kind);
    GaugeCell cell = gauges.get(key);
    if (cell == null) {
      if (gauges.size() >= maxSeries) {
        dropped++;
        return;
      }
      cell = new GaugeCell();
      gauges.put(key, cell);
    } else if (timeNanos != 0 && timeNanos < cell.timeNanos) {
      return;
    }
    cell.value = value;
    cell.timeNanos = timeNanos;
    cell.updatedMillis = clock.millis();
  }

  /**
   * Adds a breaker-transition data point.
   *
   * @param cumulative true for cumulative temporality, false for delta
   */
  public synchronized void transitions(
      String service,
      String endpoint,
      String toState,
      double value,
      long startNanos,
      boolean cumulative) {
    if (!Double.isFinite(value) || value < 0) {
      return;
    }
    TransitionKey key = new TransitionKey(clip(service), clip(endpoint), clip(toState));
    CounterCell cell = transitions.get(key);
    if (cell == null) {
      if (transitions.size() >= maxSeries) {
        dropped++;
        return;
      }
      cell = new CounterCell();
      transitions.put(key, cell);
      if (cumulative) {
        cell.total = value;
        cell.lastCumulative = value;
        cell.startNanos = startNanos;
        cell.updatedMillis = clock.millis();
        return;
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
    cell.updatedMillis = clock.millis();
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > SeriesKey.MAX_VALUE_LENGTH ? s.substring(0, SeriesKey.MAX_VALUE_LENGTH) : s;
  }

  /** Per endpoint, summed (queue depth, limit, in flight) or worst (breaker) over services. */
  public record Snapshot(
      Map<String, String> breakers,
      Map<String, Double> queueDepth,
      Map<String, Double> inFlight,
      Map<String, Double> concurrencyLimit) {}

  /** Current values for the endpoints matching the filter's service and endpoint conditions. */
  public synchronized Snapshot snapshot(Filter filter) {
    expireLocked();
    String service = filter.get(Dimension.SERVICE);
    String endpoint = filter.get(Dimension.ENDPOINT);
    Map<String, Double> breakerState = new TreeMap<>();
    Map<String, Double> queue = new TreeMap<>();
    Map<String, Double> inFlight = new TreeMap<>();
    Map<String, Double> limit = new TreeMap<>();
    for (Map.Entry<GaugeKey, GaugeCell> e : gauges.entrySet()) {
      GaugeKey k = e.getKey();
      if (service != null && !service.equals(k.service())
          || endpoint != null && !endpoint.equals(k.endpoint())) {
        continue;
      }
      double v = e.getValue().value;
      switch (k.kind()) {
        case BREAKER_STATE ->
            breakerState.merge(k.endpoint(), v, (a, b) -> severity(a) >= severity(b) ? a : b);
        case QUEUE_DEPTH -> queue.merge(k.endpoint(), v, Double::sum);
        case IN_FLIGHT -> inFlight.merge(k.endpoint(), v, Double::sum);
        case CONCURRENCY_LIMIT -> limit.merge(k.endpoint(), v, Double::sum);
      }
    }
    Map<String, String> breakers = new TreeMap<>();
    breakerState.forEach((k, v) -> breakers.put(k, breakerName(v)));
    return new Snapshot(breakers, queue, inFlight, limit);
  }

  /** Live gauges, for the Prometheus exporter. */
  public synchronized Map<GaugeKey, Double> gauges() {
    expireLocked();
    Map<GaugeKey, Double> out = new HashMap<>();
    gauges.forEach((k, v) -> out.put(k, v.value));
    return out;
  }

  /** Running transition totals, for the Prometheus exporter. */
  public synchronized Map<TransitionKey, Double> transitionTotals() {
    expireLocked();
    Map<TransitionKey, Double> out = new HashMap<>();
    transitions.forEach((k, v) -> out.put(k, v.total));
    return out;
  }

  /** Points dropped because the series cap was reached. */
  public synchronized long dropped() {
    return dropped;
  }

  private void expireLocked() {
    long oldest = clock.millis() - staleAfterMillis;
    for (Iterator<GaugeCell> it = gauges.values().iterator(); it.hasNext(); ) {
      if (it.next().updatedMillis < oldest) {
        it.remove();
      }
    }
    // Transition totals are kept for a day so a counter does not vanish between breaker trips.
    long oldestCounter = clock.millis() - Math.max(staleAfterMillis, 86_400_000L);
    for (Iterator<CounterCell> it = transitions.values().iterator(); it.hasNext(); ) {
      if (it.next().updatedMillis < oldestCounter) {
        it.remove();
      }
    }
  }
}
