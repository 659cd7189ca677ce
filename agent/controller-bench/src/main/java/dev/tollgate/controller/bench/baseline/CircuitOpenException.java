package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.Limiter;
import dev.tollgate.controller.breaker.BreakerState;

/**
 * The endpoint's circuit breaker is open (or half-open with all probes out): the call failed fast.
 */
public final class CircuitOpenException extends TollgateRejectedException {
  private static final long serialVersionUID = 1L;

  private final BreakerState state;
  private final long retryAtEpochMillis;

  CircuitOpenException(
      String message,
      String endpoint,
      String model,
      BreakerState state,
      long retryAfterNanos,
      long retryAtEpochMillis) {
    super(message, endpoint, model, Limiter.CIRCUIT_BREAKER, retryAfterNanos);
    this.state = state;
    this.retryAtEpochMillis = retryAtEpochMillis;
  }

  /** OPEN, or HALF_OPEN when the probe calls are all in flight. */
  public BreakerState state() {
    return state;
  }

  /** Wall-clock time (epoch ms) at which the breaker will let a probe through. */
  public long retryAtEpochMillis() {
    return retryAtEpochMillis;
  }
}
