package dev.tollgate.controller.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, and a {@link Sleeper} whose {@code park} moves it: a thread
 * that "waits" 5 s on this clock returns at once with the clock 5 s later. For tests and
 * simulations; thread-safe, so many threads may read it while one advances it.
 */
public final class FakeClock implements NanoClock, Sleeper {
  private final AtomicLong nanos;
  private final long epochMillisAtZero;

  /** Starts at an arbitrary non-zero nano time and 2026-01-01T00:00:00Z on the wall clock. */
  public FakeClock() {
    this(1_000_000_000_000L, 1_767_225_600_000L);
  }

  public FakeClock(long startNanos, long epochMillisAtStart) {
    this.nanos = new AtomicLong(startNanos);
    this.epochMillisAtZero = epochMillisAtStart - TimeUnit.NANOSECONDS.toMillis(startNanos);
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long epochMillis() {
    return epochMillisAtZero + TimeUnit.NANOSECONDS.toMillis(nanos.get());
  }

  /** Moves the clock forward and returns the new time. */
  public long advance(long amount, TimeUnit unit) {
    return advanceNanos(unit.toNanos(amount));
  }

  /** Moves the clock forward by {@code delta} ns (not backward: it is monotonic). */
  public long advanceNanos(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("a monotonic clock cannot go back: " + delta);
    }
    return nanos.addAndGet(delta);
  }

  /** Sets the clock to {@code t} if that is later than now. */
  public void advanceTo(long t) {
    nanos.accumulateAndGet(t, Math::max);
  }

  /** Advances the clock by the requested time instead of blocking. */
  @Override
  public void park(long nanos) {
    if (nanos > 0) {
      advanceNanos(nanos);
    }
  }
}
