package dev.tollgate.controller.policy;

import java.time.Duration;

/**
 * A cap on calls in flight, fixed ({@code max}) or adaptive (between {@code min} and {@code max},
 * starting at {@code initial}), with a bounded FIFO wait queue and a maximum wait. Immutable; build
 * with {@link #builder()}.
 */
public final class ConcurrencyPolicy {
  private final boolean adaptive;
  private final int max;
  private final int min;
  private final int initial;
  private final int queue;
  private final long maxWaitNanos;

  private ConcurrencyPolicy(Builder b, int min, int initial) {
    this.adaptive = b.adaptive;
    this.max = b.max;
    this.min = min;
    this.initial = initial;
    this.queue = b.queue;
    this.maxWaitNanos = b.maxWaitNanos;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean adaptive() {
    return adaptive;
  }

  /** The fixed limit, or the adaptive limit's upper bound. */
  public int max() {
    return max;
  }

  /** The adaptive limit's lower bound (equals {@link #max()} when fixed). */
  public int min() {
    return min;
  }

  /** The adaptive limit's starting value (equals {@link #max()} when fixed). */
  public int initial() {
    return initial;
  }

  /** How many calls may wait for a permit; one more fails at once. 0 means no waiting. */
  public int queue() {
    return queue;
  }

  /** How long a call may wait in the queue before it fails. */
  public long maxWaitNanos() {
    return maxWaitNanos;
  }

  @Override
  public String toString() {
    return "ConcurrencyPolicy{"
        + (adaptive ? "adaptive, min=" + min + ", initial=" + initial + ", " : "")
        + "max="
        + max
        + ", queue="
        + queue
        + ", max_wait="
        + Duration.ofNanos(maxWaitNanos)
        + "}";
  }

  public static final class Builder {
    private boolean adaptive;
    private int max;
    private int min;
    private int initial;
    private int queue = 1000;
    private long maxWaitNanos = Duration.ofSeconds(10).toNanos();

    private Builder() {}

    public Builder adaptive(boolean v) {
      this.adaptive = v;
      return this;
    }

    public Builder max(int v) {
      this.max = v;
      return this;
    }

    public Builder min(int v) {
      this.min = v;
      return this;
    }

    public Builder initial(int v) {
      this.initial = v;
      return this;
    }

    public Builder queue(int v) {
      this.queue = v;
      return this;
    }

    public Builder maxWait(Duration v) {
      this.maxWaitNanos = v.toNanos();
      return this;
    }

    public ConcurrencyPolicy build() {
      Checks.check(queue >= 0, "queue", "must not be negative, was " + queue);
      Checks.check(maxWaitNanos >= 0, "max_wait", "must not be negative");
      if (!adaptive) {
        Checks.check(max >= 1, "max", "must be at least 1, was " + max);
        Checks.check(min == 0, "min", "only applies with adaptive: true");
        Checks.check(initial == 0, "initial", "only applies with adaptive: true");
        return new ConcurrencyPolicy(this, max, max);
      }
      int mx = max == 0 ? 256 : max;
      int mn = min == 0 ? Math.min(4, mx) : min;
      Checks.check(mn >= 1, "min", "must be at least 1, was " + mn);
      Checks.check(mx >= mn, "max", "must be at least min (" + mn + "), was " + mx);
      int init = initial == 0 ? Math.max(mn, Math.min(mx, 16)) : initial;
      Checks.check(
          init >= mn && init <= mx,
          "initial",
          "must be between min and max (" + mn + ".." + mx + "), was " + init);
      this.max = mx;
      return new ConcurrencyPolicy(this, mn, init);
    }
  }
}
