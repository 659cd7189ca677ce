package dev.tollgate.sidecar.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's gauges (queue depth, in flight, concurrency limit, breaker state) and counters
 * (breaker transitions, retries, waits), as the agents report them in OTLP metrics. Gauges: the
 * latest value per (service, endpoint); a gauge not refreshed for {@code staleAfter} (an agent gone
 * away) is forgotten.
 *
 * <p>Counters ({@link Counter}) are keyed by (service, endpoint, one extra label). They arrive
 * cumulative (the OTel SDK's default) or as deltas; both are turned into one running total per key
 * that survives agent restarts (a cumulative value that drops, or a new start time, is a reset).
 * See {@link KeyedCounters}. Each counter keeps at most {@code maxSeries} keys, like the gauges.
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

  /**
   * A counter the agents report per (service, endpoint, one extra label): its meter name (exported
   * to Prometheus as {@code <name>_total}, dots as underscores) and the name of its extra label.
   */
  public enum Counter {
    /** Breaker transitions, by the state entered ({@code tollgate.breaker.to_state}). */
    BREAKER_TRANSITIONS("tollgate.breaker.transitions", "to_state"),
    /** Retries the controller made, by reason ({@code tollgate.reason}: 429, 503, timeout...). */
    RETRIES("tollgate.controller.retries", "reason"),
    /** Calls that waited for a limiter, by limiter ({@code tollgate.limiter}). */
    WAITS("tollgate.controller.waits", "limiter");

    private final String metricName;
    private final String label;

    Counter(String metricName, String label) {
      this.metricName = metricName;
      this.label = label;
    }

    /** The meter name, e.g. {@code tollgate.controller.retries}. */
    public String metricName() {
      return metricName;
    }

    /** The name of the extra label, e.g. {@code reason}. */
    public String label() {
      return label;
    }
  }

  public record GaugeKey(String service, String endpoint, Kind kind) {}

  /** One series of a counter: {@code label} is the value of the counter's extra label. */
  public record CounterKey(Counter counter, String service, String endpoint, String label) {}

  private static final class GaugeCell {
    double value;
    long timeNanos;
    long updatedMillis;
  }

  private final Clock clock;
  private final long staleAfterMillis;
  private final int maxSeries;
  private final Map<GaugeKey, GaugeCell> gauges = new HashMap<>();
  private final Map<Counter, KeyedCounters> counters = new EnumMap<>(Counter.class);
  private long dropped;

  public ControllerState(Clock clock, Duration staleAfter, int maxSeries) {
    this.clock = clock;
    this.staleAfterMillis = staleAfter.toMillis();
    this.maxSeries = maxSeries;
    for (Counter c : Counter.values()) {
      counters.put(c, new KeyedCounters(c, maxSeries));
    }
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
   * Adds a data point of a counter.
   *
   * @param label the value of the counter's extra label (target state, reason, limiter)
   * @param startNanos the point's start time (a new one means the agent restarted)
   * @param cumulative true for cumulative temporality, false for delta
   */
  public synchronized void count(
      Counter counter,
      String service,
      String endpoint,
      String label,
      double value,
      long startNanos,
      boolean cumulative) {
    if (!counters
        .get(counter)
        .add(service, endpoint, label, value, startNanos, cumulative, clock.millis())) {
      dropped++;
    }
  }

  static String clip(String s) {
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

  /** Running totals of every counter, for the Prometheus exporter. */
  public synchronized Map<CounterKey, Double> counterTotals() {
    expireLocked();
    Map<CounterKey, Double> out = new HashMap<>();
    counters.values().forEach(c -> c.totals(out));
    return out;
  }

  /** Running totals of one counter. */
  public synchronized Map<CounterKey, Double> counterTotals(Counter counter) {
    expireLocked();
    Map<CounterKey, Double> out = new HashMap<>();
    counters.get(counter).totals(out);
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
    // Counter totals are kept for a day so a counter does not vanish between bursts (breaker
    // trips, retry storms) of an agent that only reports keys that moved.
    long oldestCounter = clock.millis() - Math.max(staleAfterMillis, 86_400_000L);
    counters.values().forEach(c -> c.expire(oldestCounter));
  }
}
