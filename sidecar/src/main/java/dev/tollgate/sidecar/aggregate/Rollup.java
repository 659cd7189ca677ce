package dev.tollgate.sidecar.aggregate;

import dev.tollgate.conventions.Tollgate;

/** One series' counts for one minute. Mutable; guarded by the {@link Aggregator}'s lock. */
final class Rollup {
  final SeriesKey key;
  final long minute;

  long calls;
  long errors;
  long unmetered;
  long retries;
  long rateLimited;
  long rejected;
  long inputTokens;
  long outputTokens;
  long cacheReadTokens;
  long cacheWriteTokens;
  long reasoningTokens;
  final CountMap errorsByType = new CountMap();
  final CountMap rejectedBy = new CountMap();
  LogHistogram latency = new LogHistogram();
  LogHistogram ttft = new LogHistogram();

  /** True while changes have not been handed to the store. */
  boolean dirty;

  Rollup(SeriesKey key, long minute) {
    this.key = key;
    this.minute = minute;
  }

  void add(CallRecord c, String errorType, String rejectedByValue) {
    calls++;
    if (errorType != null) {
      errors++;
      errorsByType.add(errorType, 1);
      if (Tollgate.ErrorTypes.RATE_LIMITED.equals(errorType)) {
        rateLimited++;
      }
    }
    if (c.unmetered()) {
      unmetered++;
    }
    if (c.isRetry()) {
      retries++;
    }
    if (rejectedByValue != null) {
      rejected++;
      rejectedBy.add(rejectedByValue, 1);
    } else if (c.durationSeconds() >= 0) {
      // A rejected call never reached the provider; its "duration" is only the controller's
      // decision time and would drag the latency percentiles down.
      latency.record(c.durationSeconds());
    }
    if (c.ttftSeconds() >= 0) {
      ttft.record(c.ttftSeconds());
    }
    inputTokens += known(c.inputTokens());
    outputTokens += known(c.outputTokens());
    cacheReadTokens += known(c.cacheReadTokens());
    cacheWriteTokens += known(c.cacheWriteTokens());
    reasoningTokens += known(c.reasoningTokens());
  }

  private static long known(long tokens) {
    return tokens > 0 ? tokens : 0;
  }

  RollupSnapshot snapshot() {
    return new RollupSnapshot(
        minute,
        key,
        calls,
        errors,
        unmetered,
        retries,
        rateLimited,
        rejected,
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        reasoningTokens,
        errorsByType.toMap(),
        rejectedBy.toMap(),
        latency.toBytes(),
        ttft.toBytes());
  }

  /** Adds a stored snapshot's counts (used when reloading history). */
  void add(RollupSnapshot s) {
    calls += s.calls();
    errors += s.errors();
    unmetered += s.unmetered();
    retries += s.retries();
    rateLimited += s.rateLimited();
    rejected += s.rejected();
    inputTokens += s.inputTokens();
    outputTokens += s.outputTokens();
    cacheReadTokens += s.cacheReadTokens();
    cacheWriteTokens += s.cacheWriteTokens();
    reasoningTokens += s.reasoningTokens();
    s.errorsByType().forEach(errorsByType::add);
    s.rejectedBy().forEach(rejectedBy::add);
    latency.merge(LogHistogram.fromBytes(s.latency()));
    ttft.merge(LogHistogram.fromBytes(s.ttft()));
  }
}
