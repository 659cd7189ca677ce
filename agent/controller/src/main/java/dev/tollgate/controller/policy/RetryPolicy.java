package dev.tollgate.controller.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When and how a failed call is sent again: attempts, exponential backoff with full jitter, the cap
 * on server-requested delays, the retry budget, and what is retryable. Immutable; build with {@link
 * #builder()}.
 */
public final class RetryPolicy {
  /** 408, 429, 500, 502, 503, 504, 529. */
  public static final int[] DEFAULT_STATUSES = {408, 429, 500, 502, 503, 504, 529};

  private final int maxAttempts;
  private final long baseDelayNanos;
  private final long maxDelayNanos;
  private final long maxServerDelayNanos;
  private final double budget;
  private final long budgetWindowNanos;
  private final double minRetriesPerSecond;
  private final boolean respectSdkRetries;
  private final boolean[] retryStatus;
  private final boolean[] retryKind;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.baseDelayNanos = b.baseDelayNanos;
    this.maxDelayNanos = b.maxDelayNanos;
    this.maxServerDelayNanos = b.maxServerDelayNanos;
    this.budget = b.budget;
    this.budgetWindowNanos = b.budgetWindowNanos;
    this.minRetriesPerSecond = b.minRetriesPerSecond;
    this.respectSdkRetries = b.respectSdkRetries;
    this.retryStatus = b.retryStatus.clone();
    this.retryKind = b.retryKind.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Attempts in all, the first one included: 3 means at most 2 retries. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public long baseDelayNanos() {
    return baseDelayNanos;
  }

  public long maxDelayNanos() {
    return maxDelayNanos;
  }

  /** A server-requested delay longer than this is not waited for: the call fails instead. */
  public long maxServerDelayNanos() {
    return maxServerDelayNanos;
  }

  /** Retries allowed as a share of first attempts over {@link #budgetWindowNanos()}. */
  public double budget() {
    return budget;
  }

  public long budgetWindowNanos() {
    return budgetWindowNanos;
  }

  /** Retries always allowed per second of the budget window, however little traffic there is. */
  public double minRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  /** When true (default), a request from an SDK with its own retry loop is not retried here. */
  public boolean respectSdkRetries() {
    return respectSdkRetries;
  }

  public boolean retriesStatus(int status) {
    return status >= 0 && status < retryStatus.length && retryStatus[status];
  }

  public boolean retriesKind(ErrorKind kind) {
    return retryKind[kind.ordinal()];
  }

  /** The retryable statuses, ascending. */
  public List<Integer> statuses() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < retryStatus.length; i++) {
      if (retryStatus[i]) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder kinds = new StringBuilder();
    for (ErrorKind k : ErrorKind.values()) {
      if (retryKind[k.ordinal()]) {
        kinds.append(kinds.length() == 0 ? "" : ",").append(k.errorType());
      }
    }
    return "RetryPolicy{max_attempts="
        + maxAttempts
        + ", base_delay="
        + Duration.ofNanos(baseDelayNanos)
        + ", max_delay="
        + Duration.ofNanos(maxDelayNanos)
        + ", max_server_delay="
        + Duration.ofNanos(maxServerDelayNanos)
        + ", budget="
        + budget
        + ", budget_window="
        + Duration.ofNanos(budgetWindowNanos)
        + ", min_retries_per_second="
        + minRetriesPerSecond
        + ", respect_sdk_retries="
        + respectSdkRetries
        + ", retry_on="
        + statuses()
        + "+["
        + kinds
        + "]}";
  }

  public static final class Builder {
    private int maxAttempts = 3;
    private long baseDelayNanos = Duration.ofMillis(500).toNanos();
    private long maxDelayNanos = Duration.ofSeconds(8).toNanos();
    private long maxServerDelayNanos = Duration.ofSeconds(60).toNanos();
    private double budget = 0.10;
    private long budgetWindowNanos = Duration.ofSeconds(10).toNanos();
    private double minRetriesPerSecond = 1;
    private boolean respectSdkRetries = true;
    private final boolean[] retryStatus = new boolean[600];
    private final boolean[] retryKind = new boolean[ErrorKind.values().length];

    private Builder() {
      for (int s : DEFAULT_STATUSES) {
        retryStatus[s] = true;
      }
      retryKind[ErrorKind.CONNECT.ordinal()] = true;
    }

    public Builder maxAttempts(int v) {
      this.maxAttempts = v;
      return this;
    }

    public Builder baseDelay(Duration v) {
      this.baseDelayNanos = v.toNanos();
      return this;
    }

    public Builder maxDelay(Duration v) {
      this.maxDelayNanos = v.toNanos();
      return this;
    }

    public Builder maxServerDelay(Duration v) {
      this.maxServerDelayNanos = v.toNanos();
      return this;
    }

    /** Share of first attempts that may be retried, e.g. 0.10. */
    public Builder budget(double v) {
      this.budget = v;
      return this;
    }

    public Builder budgetWindow(Duration v) {
      this.budgetWindowNanos = v.toNanos();
      return this;
    }

    public Builder minRetriesPerSecond(double v) {
      this.minRetriesPerSecond = v;
      return this;
    }

    public Builder respectSdkRetries(boolean v) {
      this.respectSdkRetries = v;
      return this;
    }

    /** Replaces the retryable statuses and error kinds (the defaults included). */
    public Builder retryOn(int[] statuses, ErrorKind... kinds) {
      java.util.Arrays.fill(retryStatus, false);
      java.util.Arrays.fill(retryKind, false);
      for (int s : statuses) {
        Checks.check(s >= 100 && s < 600, "retry_on", "not an HTTP status: " + s);
        retryStatus[s] = true;
      }
      for (ErrorKind k : kinds) {
        Checks.check(
            k != ErrorKind.NONE && k != ErrorKind.CANCELLED,
            "retry_on",
            k.errorType() + " cannot be retried");
        retryKind[k.ordinal()] = true;
      }
      return this;
    }

    public RetryPolicy build() {
      Checks.check(
          maxAttempts >= 1 && maxAttempts <= 20,
          "max_attempts",
          "must be between 1 and 20, was " + maxAttempts);
      Checks.check(baseDelayNanos >= 0, "base_delay", "must not be negative");
      Checks.check(
          maxDelayNanos >= baseDelayNanos,
          "max_delay",
          "must be at least base_delay (" + Duration.ofNanos(baseDelayNanos) + ")");
      Checks.check(maxServerDelayNanos >= 0, "max_server_delay", "must not be negative");
      Checks.check(
          budget >= 0 && budget <= 1, "budget", "must be between 0% and 100%, was " + budget);
      Checks.check(budgetWindowNanos >= 1_000_000_000L, "budget_window", "must be at least 1s");
      Checks.check(minRetriesPerSecond >= 0, "min_retries_per_second", "must not be negative");
      return new RetryPolicy(this);
    }
  }
}
