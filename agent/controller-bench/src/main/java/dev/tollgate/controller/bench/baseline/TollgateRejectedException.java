package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.Limiter;
import java.io.IOException;

/**
 * Tollgate refused to send a call: a deliberate, fast failure that applications already handle,
 * because every HTTP client's send method throws {@link IOException}. The message names the
 * endpoint, the limit and what to expect.
 */
public abstract class TollgateRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final String model;
  private final Limiter limiter;
  private final long retryAfterNanos;

  TollgateRejectedException(
      String message, String endpoint, String model, Limiter limiter, long retryAfterNanos) {
    super(message);
    this.endpoint = endpoint;
    this.model = model;
    this.limiter = limiter;
    this.retryAfterNanos = retryAfterNanos;
  }

  /** The configured endpoint's name. */
  public String endpoint() {
    return endpoint;
  }

  /** The model the call was for, when a model override applied; else null. */
  public String model() {
    return model;
  }

  /** Which limiter refused the call. */
  public Limiter limiter() {
    return limiter;
  }

  /** A hint: nanoseconds after which the same call could pass; -1 when unknown. */
  public long retryAfterNanos() {
    return retryAfterNanos;
  }
}
