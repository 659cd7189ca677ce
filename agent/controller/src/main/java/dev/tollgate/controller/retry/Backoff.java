package dev.tollgate.controller.retry;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * after the n-th failed attempt wait {@code random(0, min(maxDelay, baseDelay * 2^(n-1)))}. Of the
 * jitter schemes it does the least work under contention, and unlike proportional jitter it spreads
 * a herd of simultaneous retries over the whole interval.
 */
public final class Backoff {
  private Backoff() {}

  /** The upper bound of the delay after failed attempt {@code attempt} (1-based). */
  public static long capNanos(long baseDelayNanos, long maxDelayNanos, int attempt) {
    int exp = Math.max(0, attempt - 1);
    if (baseDelayNanos <= 0) {
      return 0;
    }
    if (exp >= 62 || baseDelayNanos > (maxDelayNanos >> exp)) {
      return maxDelayNanos;
    }
    return Math.min(maxDelayNanos, baseDelayNanos << exp);
  }

  /** The delay after failed attempt {@code attempt}, given a uniform random number in [0, 1). */
  public static long fullJitterNanos(
      long baseDelayNanos, long maxDelayNanos, int attempt, double random01) {
    long cap = capNanos(baseDelayNanos, maxDelayNanos, attempt);
    double r = random01 < 0 ? 0 : random01 >= 1 ? Math.nextDown(1.0) : random01;
    return (long) (r * cap);
  }
}
