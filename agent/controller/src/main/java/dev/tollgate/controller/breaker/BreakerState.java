package dev.tollgate.controller.breaker;

/**
 * A circuit breaker's state; {@link #code()} is the gauge value (0 closed, 1 open, 2 half-open).
 */
public enum BreakerState {
  CLOSED(0, "closed"),
  OPEN(1, "open"),
  HALF_OPEN(2, "half_open");

  private final int code;
  private final String label;

  BreakerState(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public int code() {
    return code;
  }

  /** Lower-case attribute value, e.g. {@code half_open}. */
  public String label() {
    return label;
  }
}
