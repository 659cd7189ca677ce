package dev.tollgate.samples.fakellm;

/** Which failure, if any, a request gets. Pure: the caller passes the request number and time. */
final class Faults {
  private Faults() {}

  enum Verdict {
    PASS,
    OUTAGE,
    RATE_LIMITED,
    SERVER_ERROR
  }

  /**
   * Outages win, then 429s, then 5xx. Rates are applied deterministically rather than by chance:
   * request {@code n} (1-based) fails when {@code floor(n * rate)} steps up, so exactly {@code
   * floor(N * rate)} of the first N requests fail and tests can predict the count.
   */
  static Verdict decide(Knobs k, long n, long elapsedMillis) {
    if (k.inOutage(elapsedMillis)) {
      return Verdict.OUTAGE;
    }
    if (fires(n, k.rate429())) {
      return Verdict.RATE_LIMITED;
    }
    if (fires(n, k.errorRate())) {
      return Verdict.SERVER_ERROR;
    }
    return Verdict.PASS;
  }

  /** Bresenham-style spreading of {@code rate} over request numbers, in millionths. */
  static boolean fires(long n, double rate) {
    if (rate <= 0) {
      return false;
    }
    if (rate >= 1) {
      return true;
    }
    long ppm = Math.round(rate * 1_000_000);
    return (n * ppm) / 1_000_000 != ((n - 1) * ppm) / 1_000_000;
  }
}
