package dev.tollgate.controller;

import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.retry.NoRetryReason;
import dev.tollgate.controller.retry.RetryReason;

/**
 * Events for metrics that need each occurrence (wait-time histograms, transition logs). Called
 * synchronously on the caller's thread: keep it quick. A listener that throws is ignored. {@code
 * model} is the model override the call fell under, or null for the endpoint's own state. Gauges
 * and cumulative counters are read from {@link ControllerMetrics} instead.
 */
public interface ControllerListener {
  ControllerListener NONE = new ControllerListener() {};

  /** A call waited {@code nanos} before it was admitted (or refused) by {@code limiter}. */
  default void onWait(String endpoint, String model, Limiter limiter, long nanos) {}

  /** A call was refused; {@code e} is the exception about to be thrown. */
  default void onRejected(String endpoint, String model, TollgateRejectedException e) {}

  /** A retry was granted after failed attempt {@code attempt}. */
  default void onRetry(
      String endpoint, String model, RetryReason reason, int attempt, long delayNanos) {}

  /** A failed attempt was not retried. */
  default void onRetryDenied(String endpoint, String model, NoRetryReason reason, int attempt) {}

  /** The breaker moved from {@code from} to {@code to}. */
  default void onBreakerTransition(
      String endpoint, String model, BreakerState from, BreakerState to, String reason) {}

  /**
   * A backend answered {@code status} (429 or 503) asking to wait: admissions to this endpoint (or
   * model) are paused for {@code pauseNanos} from now. Called when a pause starts or is extended.
   */
  default void onPause(String endpoint, String model, int status, long pauseNanos) {}

  /** The adaptive concurrency limit changed. */
  default void onLimitChanged(String endpoint, String model, int limit) {}
}
