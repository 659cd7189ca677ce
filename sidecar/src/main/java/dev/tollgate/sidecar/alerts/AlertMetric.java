package dev.tollgate.sidecar.alerts;

import dev.tollgate.sidecar.aggregate.Stats;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a rule watches. Call metrics are computed over the rule's window from the aggregator's
 * minute rollups; controller metrics are the agents' latest reports; cost metrics come from the
 * cost ledger; budget metrics are the current period's spend.
 */
public enum AlertMetric {
  CALLS(Kind.CALL, "calls", s -> s.calls()),
  ERRORS(Kind.CALL, "calls", s -> s.errors()),
  ERROR_RATE(Kind.CALL, "ratio", Stats::errorRate),
  RATE_429(Kind.CALL, "ratio", s -> s.calls() == 0 ? 0 : (double) s.rateLimited() / s.calls()),
  RATE_LIMITED(Kind.CALL, "calls", s -> s.rateLimited()),
  RETRIES(Kind.CALL, "calls", s -> s.retries()),
  REJECTED(Kind.CALL, "calls", s -> s.rejected()),
  UNMETERED_CALLS(Kind.CALL, "calls", s -> s.unmeteredCalls()),
  P50_LATENCY_MS(Kind.CALL, "ms", s -> s.latency().p50() * 1000),
  P95_LATENCY_MS(Kind.CALL, "ms", s -> s.latency().p95() * 1000),
  P99_LATENCY_MS(Kind.CALL, "ms", s -> s.latency().p99() * 1000),
  MAX_LATENCY_MS(Kind.CALL, "ms", s -> s.latency().max() * 1000),
  TTFT_P50_MS(Kind.CALL, "ms", s -> s.ttft().p50() * 1000),
  TTFT_P95_MS(Kind.CALL, "ms", s -> s.ttft().p95() * 1000),
  TTFT_P99_MS(Kind.CALL, "ms", s -> s.ttft().p99() * 1000),
  TOKENS_INPUT(Kind.CALL, "tokens", s -> s.tokens().input()),
  TOKENS_OUTPUT(Kind.CALL, "tokens", s -> s.tokens().output()),
  QUEUE_DEPTH(Kind.CONTROLLER, "calls", null),
  IN_FLIGHT(Kind.CONTROLLER, "calls", null),
  BREAKER_OPEN(Kind.CONTROLLER, "bool", null),
  COST_USD(Kind.COST, "usd", null),
  COST_PER_HOUR_USD(Kind.COST, "usd/h", null),
  UNPRICED_CALLS(Kind.COST, "calls", null),
  BUDGET_USED_RATIO(Kind.BUDGET, "ratio", null),
  BUDGET_SPENT_USD(Kind.BUDGET, "usd", null);

  /** Where a metric's values come from; decides which labels it can be filtered and grouped by. */
  public enum Kind {
    CALL(List.of("service", "provider", "model", "endpoint", "dify_app", "operation")),
    CONTROLLER(List.of("service", "endpoint")),
    COST(List.of("service", "provider", "model", "endpoint", "dify_app")),
    BUDGET(List.of("budget"));

    private final List<String> labels;

    Kind(List<String> labels) {
      this.labels = labels;
    }

    /** Labels a rule of this kind may filter and group by. */
    public List<String> labels() {
      return labels;
    }
  }

  private final Kind kind;
  private final String unit;
  private final ToDoubleFunction<Stats> fromStats;

  AlertMetric(Kind kind, String unit, ToDoubleFunction<Stats> fromStats) {
    this.kind = kind;
    this.unit = unit;
    this.fromStats = fromStats;
  }

  public Kind kind() {
    return kind;
  }

  public String unit() {
    return unit;
  }

  /** The name used in rules files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** For {@link Kind#CALL} metrics: the value from aggregated figures (NaN: no sample). */
  double of(Stats s) {
    return fromStats.applyAsDouble(s);
  }

  /** Parses a rules-file name; null when unknown. */
  public static AlertMetric parse(String s) {
    for (AlertMetric m : values()) {
      if (m.label().equals(s)) {
        return m;
      }
    }
    return null;
  }

  public static String names() {
    StringBuilder sb = new StringBuilder();
    for (AlertMetric m : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(m.label());
    }
    return sb.toString();
  }
}
