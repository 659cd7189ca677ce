package dev.tollgate.controller;

import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.retry.NoRetryReason;
import dev.tollgate.controller.retry.RetryReason;

/**
 * Live gauges and cumulative counters of one endpoint, or of one model override of it. A model
 * override reports the gauges only of the limiters it owns: a section it does not override is
 * shared with the endpoint and reported there (so sums over entries do not double count). Counters
 * count the calls that fell under this entry.
 */
public interface EndpointMetrics {
  String endpoint();

  /** The model of an override entry; null for the endpoint's own entry. */
  String model();

  /** True when this entry owns a concurrency limiter (the three gauges below are meaningful). */
  boolean hasConcurrencyLimit();

  /** Calls waiting for a concurrency slot. */
  int queueDepth();

  /** Calls holding a concurrency slot. */
  int inFlight();

  /** The current concurrency limit (moves in adaptive mode). */
  int concurrencyLimit();

  /** True when this entry owns a circuit breaker. */
  boolean hasCircuitBreaker();

  /** Null when {@link #hasCircuitBreaker()} is false. */
  BreakerState breakerState();

  /**
   * True when this entry owns a rate limit that honours a backend's {@code Retry-After} ({@code
   * rate_limit.respect_retry_after}); the two values below are meaningful.
   */
  boolean hasRetryAfterPause();

  /** Nanoseconds until the pause a backend asked for ends; 0 when admission is not paused. */
  long pausedNanos();

  /** Pauses started by a backend's {@code Retry-After} (extending a running one is not counted). */
  long pauses();

  /** Calls admitted (attempts, retries included). */
  long admissions();

  long rejections(Limiter limiter);

  /** Calls that had to wait for {@code limiter} (admitted or not). */
  long waits(Limiter limiter);

  /** Total nanoseconds waited for {@code limiter}. */
  long waitNanos(Limiter limiter);

  long retries(RetryReason reason);

  long retryDenials(NoRetryReason reason);

  /** Transitions into {@code to}. */
  long breakerTransitions(BreakerState to);
}
