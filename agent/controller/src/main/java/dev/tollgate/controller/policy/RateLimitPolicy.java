package dev.tollgate.controller.policy;

import java.time.Duration;

/**
 * Requests per second with a burst, and/or tokens per minute. Either limit may be absent (0), not
 * both. Immutable; build with {@link #builder()}.
 */
public final class RateLimitPolicy {
  private final double requestsPerSecond;
  private final long burst;
  private final long tokensPerMinute;
  private final long tokenBurst;
  private final long tokenEstimate;
  private final long maxWaitNanos;
  private final boolean respectRetryAfter;
  private final long maxPauseNanos;

  private RateLimitPolicy(Builder b) {
    this.requestsPerSecond = b.requestsPerSecond;
    this.burst = b.burst > 0 ? b.burst : Math.max(1, (long) Math.ceil(b.requestsPerSecond));
    this.tokensPerMinute = b.tokensPerMinute;
    this.tokenBurst = b.tokenBurst > 0 ? b.tokenBurst : b.tokensPerMinute;
    this.tokenEstimate = b.tokenEstimate;
    this.maxWaitNanos = b.maxWaitNanos;
    this.respectRetryAfter = b.respectRetryAfter;
    this.maxPauseNanos = b.maxPauseNanos;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Requests per second the bucket refills at; 0 when there is no request limit. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Bucket capacity in requests (default: one second's worth, at least 1). */
  public long burst() {
    return burst;
  }

  /** Tokens per minute; 0 when there is no token limit. */
  public long tokensPerMinute() {
    return tokensPerMinute;
  }

  /** Token bucket capacity (default: one minute's worth). */
  public long tokenBurst() {
    return tokenBurst;
  }

  /** Tokens charged at admission when the caller gives no estimate (no {@code max_tokens}). */
  public long tokenEstimate() {
    return tokenEstimate;
  }

  /** How long a call may wait for its turn before it fails with a rate-limit error. */
  public long maxWaitNanos() {
    return maxWaitNanos;
  }

  /**
   * When a call gets a 429 or 503 asking to wait ({@code retry-after-ms}, {@code Retry-After},
   * Gemini's {@code retryDelay}), pause admission for every caller of this limit until then, so the
   * others do not keep hitting a backend that said to stop.
   */
  public boolean respectRetryAfter() {
    return respectRetryAfter;
  }

  /** The longest pause a backend's Retry-After can impose; a longer one is cut to this. */
  public long maxPauseNanos() {
    return maxPauseNanos;
  }

  public boolean hasRequestLimit() {
    return requestsPerSecond > 0;
  }

  public boolean hasTokenLimit() {
    return tokensPerMinute > 0;
  }

  @Override
  public String toString() {
    return "RateLimitPolicy{requests_per_second="
        + requestsPerSecond
        + ", burst="
        + burst
        + ", tokens_per_minute="
        + tokensPerMinute
        + ", token_burst="
        + tokenBurst
        + ", token_estimate="
        + tokenEstimate
        + ", max_wait="
        + Duration.ofNanos(maxWaitNanos)
        + ", respect_retry_after="
        + respectRetryAfter
        + ", max_pause="
        + Duration.ofNanos(maxPauseNanos)
        + "}";
  }

  public static final class Builder {
    private double requestsPerSecond;
    private long burst;
    private long tokensPerMinute;
    private long tokenBurst;
    private long tokenEstimate = 1000;
    private long maxWaitNanos = Duration.ofSeconds(10).toNanos();
    private boolean respectRetryAfter = true;
    private long maxPauseNanos = Duration.ofSeconds(60).toNanos();

    private Builder() {}

    public Builder requestsPerSecond(double v) {
      this.requestsPerSecond = v;
      return this;
    }

    public Builder burst(long v) {
      this.burst = v;
      return this;
    }

    public Builder tokensPerMinute(long v) {
      this.tokensPerMinute = v;
      return this;
    }

    public Builder tokenBurst(long v) {
      this.tokenBurst = v;
      return this;
    }

    public Builder tokenEstimate(long v) {
      this.tokenEstimate = v;
      return this;
    }

    public Builder maxWait(Duration v) {
      this.maxWaitNanos = v.toNanos();
      return this;
    }

    public Builder respectRetryAfter(boolean v) {
      this.respectRetryAfter = v;
      return this;
    }

    public Builder maxPause(Duration v) {
      this.maxPauseNanos = v.toNanos();
      return this;
    }

    public RateLimitPolicy build() {
      Checks.check(
          !(requestsPerSecond < 0) && !Double.isNaN(requestsPerSecond) && requestsPerSecond <= 1e8,
          "requests_per_second",
          "must be between 0 and 100000000, was " + requestsPerSecond);
      Checks.check(burst >= 0, "burst", "must not be negative, was " + burst);
      Checks.check(
          tokensPerMinute >= 0 && tokensPerMinute <= 6_000_000_000L,
          "tokens_per_minute",
          "must be between 0 and 6000000000, was " + tokensPerMinute);
      Checks.check(tokenBurst >= 0, "token_burst", "must not be negative, was " + tokenBurst);
      Checks.check(
          tokenEstimate >= 0, "token_estimate", "must not be negative, was " + tokenEstimate);
      Checks.check(maxWaitNanos >= 0, "max_wait", "must not be negative");
      Checks.check(maxPauseNanos >= 0, "max_pause", "must not be negative");
      Checks.check(
          requestsPerSecond > 0 || tokensPerMinute > 0,
          "requests_per_second",
          "rate_limit needs requests_per_second or tokens_per_minute");
      Checks.check(
          burst == 0 || requestsPerSecond > 0, "burst", "needs requests_per_second to be set");
      return new RateLimitPolicy(this);
    }
  }
}
