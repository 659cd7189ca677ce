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
  CIRCUIT_BREAKER("circuit_breaker");

  private final String label;

  Limiter(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
