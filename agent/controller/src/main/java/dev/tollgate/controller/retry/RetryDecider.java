package dev.tollgate.controller.retry;

import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RetryPolicy;
import java.util.function.DoubleSupplier;

/**
 * Decides whether a failed attempt is sent again and after how long. The checks, in order: the
 * application already received response bytes (never retried); the error is not retryable, or it is
 * a 429 {@code insufficient_quota}; the caller is an SDK with its own retry loop (unless {@code
 * respect_sdk_retries: false}); attempts are used up; the server asked for a longer wait than
 * {@code max_server_delay}; the budget is spent. A server-requested delay wins over the computed
 * full-jitter backoff.
 */
public final class RetryDecider {
  private final RetryPolicy policy;
  private final RetryBudget budget;
  private final DoubleSupplier random;

  public RetryDecider(RetryPolicy policy, DoubleSupplier random, long now) {
    this.policy = policy;
    this.budget =
        new RetryBudget(
            policy.budget(), policy.minRetriesPerSecond(), policy.budgetWindowNanos(), now);
    this.random = random;
  }

  /**
   * @param attempt the attempt that just failed, 1-based
   * @param status the HTTP status, 0 when there was none
   * @param kind the transport error, {@link ErrorKind#NONE} when the status says it all
   * @param errorCode the provider's error code or type, e.g. {@code insufficient_quota}; may be
   *     null
   * @param serverDelayNanos the server's requested delay (see {@link RetryAfter}), -1 when none
   * @param responseStarted true once any response byte has reached the application
   * @param sdkRetryCount the request's {@code x-stainless-retry-count}, -1 when absent
   */
  public RetryDecision decide(
      int attempt,
      int status,
      ErrorKind kind,
      String errorCode,
      long serverDelayNanos,
      boolean responseStarted,
      int sdkRetryCount,
      long now) {
    if (responseStarted) {
      return RetryDecision.no(NoRetryReason.RESPONSE_STARTED);
    }
    if (status == 429 && "insufficient_quota".equals(errorCode)) {
      return RetryDecision.no(NoRetryReason.INSUFFICIENT_QUOTA);
    }
    boolean retryable;
    if (kind == ErrorKind.NONE) {
      retryable = policy.retriesStatus(status);
    } else if (kind == ErrorKind.CANCELLED) {
      retryable = false;
    } else {
      retryable = policy.retriesKind(kind) || (status > 0 && policy.retriesStatus(status));
    }
    if (!retryable) {
      return RetryDecision.no(NoRetryReason.NOT_RETRYABLE);
    }
    if (sdkRetryCount >= 0 && policy.respectSdkRetries()) {
      return RetryDecision.no(NoRetryReason.SDK_RETRIES);
    }
    if (attempt >= policy.maxAttempts()) {
      return RetryDecision.no(NoRetryReason.MAX_ATTEMPTS);
    }
    if (serverDelayNanos > policy.maxServerDelayNanos()) {
      return RetryDecision.no(NoRetryReason.RETRY_AFTER_TOO_LONG);
    }
    if (!budget.tryWithdraw(now)) {
      return RetryDecision.no(NoRetryReason.BUDGET_EXHAUSTED);
    }
    RetryReason reason = RetryReason.of(status, kind);
    if (serverDelayNanos >= 0) {
      return RetryDecision.retry(reason, serverDelayNanos, true);
    }
    return RetryDecision.retry(
        reason,
        Backoff.fullJitterNanos(
            policy.baseDelayNanos(), policy.maxDelayNanos(), attempt, random.getAsDouble()),
        false);
  }

  /** The budget this decider draws on; admissions deposit first attempts into it. */
  public RetryBudget budget() {
    return budget;
  }

  public RetryPolicy policy() {
    return policy;
  }
}
