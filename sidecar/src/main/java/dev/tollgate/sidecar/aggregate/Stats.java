package dev.tollgate.sidecar.aggregate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregated figures over a window and a set of series. Latency and TTFT are in seconds; a
 * percentile of an empty set is NaN.
 */
public record Stats(
    long calls,
    long errors,
    Map<String, Long> errorsByType,
    Percentiles latency,
    Percentiles ttft,
    Tokens tokens,
    long unmeteredCalls,
    long retries,
    long rateLimited,
    long rejected,
    Map<String, Long> rejectedBy) {

  public static final Stats EMPTY = new Builder().build();

  /** errors / calls, 0 when there were no calls. */
  public double errorRate() {
    return calls == 0 ? 0 : (double) errors / calls;
  }

  /** Percentiles in seconds. */
  public record Percentiles(long count, double p50, double p95, double p99, double max) {}

  /** Token sums over the calls that reported them (unknown counts add nothing). */
  public record Tokens(long input, long output, long cacheRead, long cacheWrite, long reasoning) {}

  /** Merges rollups into a {@link Stats}; one per query, then thrown away. */
  static final class Builder {
    private long calls;
    private long errors;
    private long unmetered;
    private long retries;
    private long rateLimited;
    private long rejected;
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private long reasoning;
    private final Map<String, Long> errorsByType = new TreeMap<>();
    private final Map<String, Long> rejectedBy = new TreeMap<>();
    private final LogHistogram.Accumulator latency = new LogHistogram.Accumulator();
    private final LogHistogram.Accumulator ttft = new LogHistogram.Accumulator();

    void add(Rollup r) {
      calls += r.calls;
      errors += r.errors;
      unmetered += r.unmetered;
      retries += r.retries;
      rateLimited += r.rateLimited;
      rejected += r.rejected;
      input += r.inputTokens;
      output += r.outputTokens;
      cacheRead += r.cacheReadTokens;
      cacheWrite += r.cacheWriteTokens;
      reasoning += r.reasoningTokens;
      if (!r.errorsByType.isEmpty()) {
        r.errorsByType.addTo(errorsByType);
      }
      if (!r.rejectedBy.isEmpty()) {
        r.rejectedBy.addTo(rejectedBy);
      }
      latency.add(r.latency);
      ttft.add(r.ttft);
    }

    Stats build() {
      return new Stats(
          calls,
          errors,
          Collections.unmodifiableMap(errorsByType),
          percentiles(latency),
          percentiles(ttft),
          new Tokens(input, output, cacheRead, cacheWrite, reasoning),
          unmetered,
          retries,
          rateLimited,
          rejected,
          Collections.unmodifiableMap(rejectedBy));
    }

    private static Percentiles percentiles(LogHistogram.Accumulator h) {
      return new Percentiles(
          h.count(), h.quantile(0.50), h.quantile(0.95), h.quantile(0.99), h.max());
    }
  }
}
