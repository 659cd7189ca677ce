package dev.tollgate.controller.retry;

import java.util.concurrent.TimeUnit;

/**
 * Retry or not, and after how long. Refusals are shared constants; only a decision to retry is
 * allocated (on the failure path).
 */
public final class RetryDecision {
  private static final RetryDecision[] NO = new RetryDecision[NoRetryReason.values().length];

  static {
    for (NoRetryReason r : NoRetryReason.values()) {
      NO[r.ordinal()] = new RetryDecision(false, 0, null, r, false);
    }
  }

  private final boolean retry;
  private final long delayNanos;
  private final RetryReason reason;
  private final NoRetryReason denial;
  private final boolean serverDelay;

  private RetryDecision(
      boolean retry, long delayNanos, RetryReason reason, NoRetryReason denial, boolean server) {
    this.retry = retry;
    this.delayNanos = delayNanos;
    this.reason = reason;
    this.denial = denial;
    this.serverDelay = server;
  }

  public static RetryDecision retry(RetryReason reason, long delayNanos, boolean serverDelay) {
    return new RetryDecision(true, delayNanos, reason, null, serverDelay);
  }

  public static RetryDecision no(NoRetryReason why) {
    return NO[why.ordinal()];
  }

  public boolean retry() {
    return retry;
  }

  /** How long to wait before the next attempt; 0 when not retrying. */
  public long delayNanos() {
    return delayNanos;
  }

  /** Why the call is retried; null when it is not. */
  public RetryReason reason() {
    return reason;
  }

  /** Why the call is not retried; null when it is. */
  public NoRetryReason denial() {
    return denial;
  }

  /** True when the delay is the server's (Retry-After, retry-after-ms, retryDelay). */
  public boolean serverDelay() {
    return serverDelay;
  }

  @Override
  public String toString() {
    return retry
        ? "retry after "
            + TimeUnit.NANOSECONDS.toMillis(delayNanos)
            + " ms ("
            + reason.label()
            + (serverDelay ? ", server delay" : ", backoff")
            + ")"
        : "no retry (" + denial.label() + ")";
  }
}
