package dev.tollgate.samples.fakellm;

/**
 * The saturation model: past a concurrency knee the fake model slows down, like a GPU pool that
 * queues work.
 *
 * <pre>
 *   m(inflight) = 1                              if knee == 0 or inflight <= knee
 *   m(inflight) = (inflight / knee) ^ exponent   otherwise
 * </pre>
 *
 * With knee 64 and exponent 1, 128 requests in flight take twice as long each, so throughput stops
 * growing at the knee (Little's law); with exponent 2 throughput falls past it. {@code inflight}
 * counts the request being admitted.
 */
final class Saturation {
  private Saturation() {}

  static double multiplier(int inflight, int knee, double exponent) {
    if (knee <= 0 || inflight <= knee) {
      return 1.0;
    }
    return Math.pow((double) inflight / knee, exponent);
  }
}
