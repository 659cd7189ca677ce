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
