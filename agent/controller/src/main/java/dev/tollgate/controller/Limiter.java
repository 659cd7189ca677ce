package dev.tollgate.controller;

/**
 * Which part of the controller held a call back; {@link #label()} is the value of the {@code
 * tollgate.limiter} metric attribute and of {@code tollgate.controller.rejected_by} on a span.
 */
public enum Limiter {
  /** The requests-per-second bucket. */
  REQUESTS("requests"),
  /** The tokens-per-minute budget. */
  TOKENS("tokens"),
  /** The concurrency limit and its queue. */
  CONCURRENCY("concurrency"),
  /** The circuit breaker. */
  CIRCUIT_BREAKER("circuit_breaker"),
  /**
   * The pause a backend asked for with a 429 or 503 and {@code Retry-After} ({@code
   * rate_limit.respect_retry_after}).
   */
  RETRY_AFTER("retry_after");

  private final String label;

  Limiter(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
