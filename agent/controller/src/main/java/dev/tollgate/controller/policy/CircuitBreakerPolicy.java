package dev.tollgate.controller.policy;

import java.time.Duration;

/**
 * When the breaker opens and how it recovers: failure-rate and slow-call-rate thresholds over a
 * count-based window (the last {@code window} calls) or a time-based one (the calls of the last
 * {@code window} duration), a minimum number of calls, an open period and a few half-open probes.
 * Immutable; build with {@link #builder()}.
 */
public final class CircuitBreakerPolicy {
  private final double failureRate;
  private final long slowCallNanos;
  private final double slowCallRate;
  private final int windowSize;
  private final long windowNanos;
  private final int minCalls;
  private final long openForNanos;
  private final int halfOpenCalls;
  private final long halfOpenTimeoutNanos;
  private final boolean count429AsFailure;

  private CircuitBreakerPolicy(Builder b, long halfOpenTimeoutNanos) {
    this.failureRate = b.failureRate;
    this.slowCallNanos = b.slowCallNanos;
    this.slowCallRate = b.slowCallRate;
    this.windowSize = b.windowNanos > 0 ? 0 : b.windowSize;
    this.windowNanos = b.windowNanos;
    this.minCalls = b.minCalls;
    this.openForNanos = b.openForNanos;
    this.halfOpenCalls = b.halfOpenCalls;
    this.halfOpenTimeoutNanos = halfOpenTimeoutNanos;
    this.count429AsFailure = b.count429AsFailure;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Failure share (0..1] at or above which the breaker opens. */
  public double failureRate() {
    return failureRate;
  }

  /** A call at least this long (time to first chunk for streams) is slow; 0 disables slow calls. */
  public long slowCallNanos() {
    return slowCallNanos;
  }

  /** Slow-call share (0..1] at or above which the breaker opens. */
  public double slowCallRate() {
    return slowCallRate;
  }

  /** Calls in a count-based window; 0 when the window is time-based. */
  public int windowSize() {
    return windowSize;
  }

  /** Length of a time-based window; 0 when the window is count-based. */
  public long windowNanos() {
    return windowNanos;
  }

  public boolean timeBased() {
    return windowNanos > 0;
  }

  /** Calls the window must hold before rates are judged. */
  public int minCalls() {
    return minCalls;
  }

  public long openForNanos() {
    return openForNanos;
  }

  /** Probe calls let through in half-open; their outcomes decide. */
  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  /**
   * How long half-open may wait for its probes' outcomes. A probe that never completes (a leaked
   * permit) makes the breaker open again after this, so it can never stick in half-open.
   */
  public long halfOpenTimeoutNanos() {
    return halfOpenTimeoutNanos;
  }

  /** When false (default), a 429 is neither a failure nor a success: the rate limiter's concern. */
  public boolean count429AsFailure() {
    return count429AsFailure;
  }

  @Override
  public String toString() {
    return "CircuitBreakerPolicy{failure_rate="
        + failureRate
        + ", slow_call="
        + Duration.ofNanos(slowCallNanos)
        + ", slow_call_rate="
        + slowCallRate
        + ", window="
        + (timeBased() ? Duration.ofNanos(windowNanos).toString() : String.valueOf(windowSize))
        + ", min_calls="
        + minCalls
        + ", open_for="
        + Duration.ofNanos(openForNanos)
        + ", half_open_calls="
        + halfOpenCalls
        + ", half_open_timeout="
        + Duration.ofNanos(halfOpenTimeoutNanos)
        + ", count_429="
        + count429AsFailure
        + "}";
  }

  public static final class Builder {
    private double failureRate = 0.5;
    private long slowCallNanos;
    private double slowCallRate = 1.0;
    private int windowSize = 20;
    private long windowNanos;
    private int minCalls = 10;
    private long openForNanos = Duration.ofSeconds(30).toNanos();
    private int halfOpenCalls = 3;
    private long halfOpenTimeoutNanos;
    private boolean count429AsFailure;

    private Builder() {}

    public Builder failureRate(double v) {
      this.failureRate = v;
      return this;
    }

    public Builder slowCall(Duration v) {
      this.slowCallNanos = v.toNanos();
      return this;
    }

    public Builder slowCallRate(double v) {
      this.slowCallRate = v;
      return this;
    }

    /** A count-based window of the last {@code calls} calls. */
    public Builder window(int calls) {
      this.windowSize = calls;
      this.windowNanos = 0;
      return this;
    }

    /** A time-based window of the calls that ended in the last {@code length}. */
    public Builder window(Duration length) {
      this.windowNanos = length.toNanos();
      return this;
    }

    public Builder minCalls(int v) {
      this.minCalls = v;
      return this;
    }

    public Builder openFor(Duration v) {
      this.openForNanos = v.toNanos();
      return this;
    }

    public Builder halfOpenCalls(int v) {
      this.halfOpenCalls = v;
      return this;
    }

    public Builder halfOpenTimeout(Duration v) {
      this.halfOpenTimeoutNanos = v.toNanos();
      return this;
    }

    public Builder count429AsFailure(boolean v) {
      this.count429AsFailure = v;
      return this;
    }

    public CircuitBreakerPolicy build() {
      Checks.check(
          failureRate > 0 && failureRate <= 1,
          "failure_rate",
          "must be above 0% and at most 100%, was " + failureRate);
      Checks.check(
          slowCallRate > 0 && slowCallRate <= 1,
          "slow_call_rate",
          "must be above 0% and at most 100%, was " + slowCallRate);
      Checks.check(slowCallNanos >= 0, "slow_call", "must not be negative");
      if (windowNanos > 0) {
        Checks.check(windowNanos >= 1_000_000_000L, "window", "a time window must be at least 1s");
        Checks.check(
            windowNanos <= 3_600_000_000_000L, "window", "a time window must be at most 1h");
      } else {
        Checks.check(
            windowSize >= 1 && windowSize <= 100_000,
            "window",
            "must be between 1 and 100000 calls, was " + windowSize);
        Checks.check(
            minCalls <= windowSize,
            "min_calls",
            "must not exceed window (" + windowSize + "), was " + minCalls);
      }
      Checks.check(minCalls >= 1, "min_calls", "must be at least 1, was " + minCalls);
      Checks.check(openForNanos > 0, "open_for", "must be positive");
      Checks.check(
          halfOpenCalls >= 1 && halfOpenCalls <= 1000,
          "half_open_calls",
          "must be between 1 and 1000, was " + halfOpenCalls);
      Checks.check(halfOpenTimeoutNanos >= 0, "half_open_timeout", "must not be negative");
      long timeout =
          halfOpenTimeoutNanos > 0
              ? halfOpenTimeoutNanos
              : Math.max(Duration.ofSeconds(60).toNanos(), 2 * slowCallNanos);
      return new CircuitBreakerPolicy(this, timeout);
    }
  }
}
