package dev.tollgate.controller.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The instant until which a backend asked everyone to wait (a 429 or 503 with {@code Retry-After}),
 * kept as one {@code long} on the caller's clock. A later request that ends later extends it; one
 * that ends earlier never shortens it. Reading it is one volatile load, so admission pays nothing
 * when there is no pause. Like {@link TokenBucket} it has no clock: times come from the caller.
 */
public final class Pause {
  private static final VarHandle UNTIL;

  static {
    try {
      UNTIL = MethodHandles.lookup().findVarHandle(Pause.class, "until", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // written through UNTIL
  private volatile long until;

  /** The status of the response that last set or extended the pause (for messages). */
  private volatile int status;

  private final AtomicLong pauses = new AtomicLong();

  /**
   * @param now the current time; there is no pause until {@link #extend} is called
   */
  public Pause(long now) {
    this.until = now;
  }

  /**
   * Pauses until {@code end}, unless a pause already lasts at least as long.
   *
   * @param status the response's HTTP status, kept for messages
   * @return true when this moved the end of the pause (a pause started or was extended)
   */
  public boolean extend(long end, long now, int status) {
    for (; ; ) {
      long t = until;
      if (end - t <= 0) {
        return false;
      }
      if (UNTIL.compareAndSet(this, t, end)) {
        this.status = status;
        if (t - now <= 0) {
          pauses.incrementAndGet();
        }
        return true;
      }
    }
  }

  /** The end of the pause; in the past (at or before {@code now}) when there is none. */
  public long until() {
    return until;
  }

  /** Nanoseconds the pause has still to run; 0 when there is none. */
  public long remaining(long now) {
    return Math.max(0, until - now);
  }

  /** The HTTP status that asked for the current pause; 0 before the first. */
  public int status() {
    return status;
  }

  /** Pauses started so far (an extension of a running pause is not a new one). */
  public long pauses() {
    return pauses.get();
  }

  @Override
  public String toString() {
    return "Pause{until=" + until + ", pauses=" + pauses.get() + "}";
  }
}
