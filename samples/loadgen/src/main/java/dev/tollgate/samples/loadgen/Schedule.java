package dev.tollgate.samples.loadgen;

/**
 * When requests are due. Pure arithmetic on nanosecond timestamps so it is tested on a fake clock.
 *
 * <p>Open loop: request {@code i} (0-based) is due at {@code t0 + i / rate}, whether or not earlier
 * ones have finished. Its latency is measured from that due time, not from when a connection became
 * free to send it, so a server that falls behind shows its queueing in the latency (no coordinated
 * omission). Correcting a closed-loop histogram afterwards (HdrHistogram's
 * recordValueWithExpectedInterval) only estimates this; measuring from the schedule is exact.
 */
final class Schedule {
  private Schedule() {}

  /** Due time of open-loop request {@code i}. */
  static long dueNanos(long t0, double ratePerSecond, long i) {
    return t0 + (long) (i * 1e9 / ratePerSecond);
  }

  /** How many open-loop requests are due by {@code now}, i.e. indexes 0..n-1. */
  static long dueCount(long t0, double ratePerSecond, long now) {
    if (now < t0) {
      return 0;
    }
    long n = (long) Math.floor((now - t0) * ratePerSecond / 1e9) + 1;
    // Guard against rounding at the boundaries: the definition is dueNanos(i) <= now.
    while (n > 0 && dueNanos(t0, ratePerSecond, n - 1) > now) {
      n--;
    }
    while (dueNanos(t0, ratePerSecond, n) <= now) {
      n++;
    }
    return n;
  }

  /** Closed loop: connection {@code k} of {@code n} starts {@code k/n} of the way into the ramp. */
  static long rampOffsetNanos(int k, int n, long rampNanos) {
    if (rampNanos <= 0 || n <= 1) {
      return 0;
    }
    return rampNanos * k / n;
  }
}
