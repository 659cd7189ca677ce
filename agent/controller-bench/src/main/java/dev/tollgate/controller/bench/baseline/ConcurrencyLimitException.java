package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.Limiter;

/** No concurrency slot: the wait queue was full, or the wait reached {@code max_wait}. */
public final class ConcurrencyLimitException extends TollgateRejectedException {
  private static final long serialVersionUID = 1L;

  /** Why the call got no slot. */
  public enum Reason {
    QUEUE_FULL,
    MAX_WAIT
  }

  private final Reason reason;
  private final long waitedNanos;

  ConcurrencyLimitException(
      String message, String endpoint, String model, Reason reason, long waitedNanos) {
    super(message, endpoint, model, Limiter.CONCURRENCY, -1);
    this.reason = reason;
    this.waitedNanos = waitedNanos;
  }

  public Reason reason() {
    return reason;
  }

  /** How long the call waited before it was refused. */
  public long waitedNanos() {
    return waitedNanos;
  }
}
