package dev.tollgate.controller.bench.baseline;

/**
 * Outcomes of the calls that ended within the last {@code windowNanos}, in buckets of about one
 * second (at most 3600) that are evicted as time passes, so a snapshot costs O(1) like
 * Resilience4j's {@code SlidingTimeWindowMetrics}. Synchronized: time-based windows are the
 * optional mode, and a lock keeps eviction simple.
 */
final class TimeWindow extends Window {
  private final long bucketNanos;
  private final int buckets;
  private final long[] bucketTotals;
  private final long[] bucketEpoch;
  private long totals = EMPTY;
  private long lastEpoch = Long.MIN_VALUE;

  TimeWindow(long windowNanos) {
    int n = (int) Math.min(3600, Math.max(1, windowNanos / 1_000_000_000L));
    this.buckets = n;
    this.bucketNanos = windowNanos / n;
    this.bucketTotals = new long[n];
    this.bucketEpoch = new long[n];
    java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
  }

  @Override
  synchronized long record(int outcome, long now) {
    long epoch = advance(now);
    int i = (int) Math.floorMod(epoch, (long) buckets);
    long d = encode(outcome);
    bucketTotals[i] += d;
    totals += d;
    return totals;
  }

  @Override
  synchronized long totals(long now) {
    advance(now);
    return totals;
  }

  /** Evicts buckets that fell out of the window; returns the current bucket's epoch. */
  private long advance(long now) {
    // A caller that read the clock a moment before another one may arrive after it: count it in
    // the current bucket rather than in one already reused.
    long epoch = Math.max(Math.floorDiv(now, bucketNanos), lastEpoch);
    if (epoch != lastEpoch) {
      long from =
          lastEpoch == Long.MIN_VALUE
              ? epoch - buckets + 1
              : Math.max(lastEpoch + 1, epoch - buckets + 1);
      for (long e = from; e <= epoch; e++) {
        int i = (int) Math.floorMod(e, (long) buckets);
        if (bucketEpoch[i] != e) {
          totals -= bucketTotals[i];
          bucketTotals[i] = 0;
          bucketEpoch[i] = e;
        }
      }
      lastEpoch = epoch;
    }
    return epoch;
  }
}
