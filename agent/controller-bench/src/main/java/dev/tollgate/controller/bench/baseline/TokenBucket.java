package dev.tollgate.controller.bench.baseline;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A token bucket kept as one {@code long}: the "theoretical arrival time" of the generic cell rate
 * algorithm (GCRA). With {@code T} nanoseconds per token and capacity {@code C}, the bucket holds
 * {@code C - (max(tat, now) - now) / T} tokens, so a full bucket is any {@code tat <= now} and
 * taking {@code n} tokens moves {@code tat} forward by {@code n*T}. Every operation is one CAS on
 * that long: lock-free, allocation-free, and exact (no fixed windows, so no 2x bursts at a window
 * edge; refill is continuous, "greedy" in Bucket4j's terms).
 *
 * <p>The bucket can run into debt: {@link #settle} charges tokens after the fact (an LLM call's
 * actual usage), which can push {@code tat} past {@code now + C*T}; later callers then wait until
 * the debt is repaid by refill. All methods take the current time from the caller's clock, so the
 * bucket itself has no clock and tests are exact.
 */
public final class TokenBucket {
  /** Returned by {@link #reserve} when the wait would exceed the caller's maximum. */
  public static final long REJECTED = Long.MIN_VALUE;

  /**
   * The state lives alone in the middle of a 33-long array: 128 bytes on each side keep the line
   * every call writes away from the read-mostly objects allocated next to it (false sharing tripled
   * the contended cost in the benchmarks).
   */
  private static final int TAT = 16;

  private final long nanosPerToken;
  private final long capacity;
  private final long capacityNanos;
  private final AtomicLongArray state = new AtomicLongArray(2 * TAT + 1);

  /**
   * @param nanosPerToken refill interval per token, at least 1
   * @param capacity tokens the bucket holds when full (the burst), at least 1
   * @param now the current time; the bucket starts full
   */
  public TokenBucket(long nanosPerToken, long capacity, long now) {
    if (nanosPerToken < 1) {
      throw new IllegalArgumentException("nanosPerToken must be at least 1: " + nanosPerToken);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (capacity > Long.MAX_VALUE / 8 / nanosPerToken) {
      throw new IllegalArgumentException("capacity * nanosPerToken overflows");
    }
    this.nanosPerToken = nanosPerToken;
    this.capacity = capacity;
    this.capacityNanos = capacity * nanosPerToken;
    state.set(TAT, now);
  }

  /** A bucket of {@code perSecond} tokens per second holding at most {@code burst}. */
  public static TokenBucket perSecond(double perSecond, long burst, long now) {
    return new TokenBucket(Math.max(1, Math.round(1e9 / perSecond)), burst, now);
  }

  /** A bucket of {@code perMinute} tokens per minute holding at most {@code capacity}. */
  public static TokenBucket perMinute(long perMinute, long capacity, long now) {
    return new TokenBucket(Math.max(1, Math.round(60e9 / perMinute)), capacity, now);
  }

  /** Takes one token if there is one: returns 0, or the nanoseconds until one is there. */
  public long tryAcquire(long now) {
    return tryAcquire(1, now);
  }

  /**
   * Takes {@code tokens} if they are there: returns 0, or the nanoseconds until they will be (and
   * takes nothing). Asking for more than the capacity is served as asking for the capacity.
   */
  public long tryAcquire(long tokens, long now) {
    long cost = cost(tokens);
    for (; ; ) {
      long t = state.get(TAT);
      long next = Math.max(t, now) + cost;
      long wait = next - now - capacityNanos;
      if (wait > 0) {
        return wait;
      }
      if (state.compareAndSet(TAT, t, next)) {
        return 0;
      }
      Thread.onSpinWait(); // lost a race: let the winner's cache line settle before retrying
    }
  }

  /**
   * Reserves {@code tokens} now or in the future: returns the nanoseconds the caller must wait
   * before using them (0 = now), or {@link #REJECTED} without taking anything when that wait would
   * exceed {@code maxWaitNanos}. A reservation that is not used should be given back with {@link
   * #giveBack}.
   */
  public long reserve(long tokens, long now, long maxWaitNanos) {
    long cost = cost(tokens);
    for (; ; ) {
      long t = state.get(TAT);
      long next = Math.max(t, now) + cost;
      long wait = next - now - capacityNanos;
      if (wait > maxWaitNanos) {
        return REJECTED;
      }
      if (state.compareAndSet(TAT, t, next)) {
        return Math.max(0, wait);
      }
      Thread.onSpinWait();
    }
  }

  /** The nanoseconds until {@code tokens} could be taken (0 when they are there now). */
  public long nanosUntil(long tokens, long now) {
    return Math.max(0, Math.max(state.get(TAT), now) + cost(tokens) - now - capacityNanos);
  }

  /** Returns tokens taken by {@link #tryAcquire} or {@link #reserve} and not used. */
  public void giveBack(long tokens, long now) {
    settle(-Math.min(tokens, capacity), now);
  }

  /**
   * Corrects an earlier charge: a positive {@code delta} takes more tokens (the bucket may go into
   * debt, and later callers wait), a negative one gives tokens back (never above capacity).
   */
  public void settle(long delta, long now) {
    if (delta == 0) {
      return;
    }
    long change = multiply(delta);
    for (; ; ) {
      long t = state.get(TAT);
      long next = Math.max(t, now) + change;
      if (next < now) {
        next = now;
      }
      if (state.compareAndSet(TAT, t, next)) {
        return;
      }
    }
  }

  /** Tokens available now; negative when the bucket is in debt. */
  public long available(long now) {
    return capacity - ceilDiv(Math.max(state.get(TAT), now) - now, nanosPerToken);
  }

  public long capacity() {
    return capacity;
  }

  public long nanosPerToken() {
    return nanosPerToken;
  }

  private long cost(long tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be at least 1: " + tokens);
    }
    return Math.min(tokens, capacity) * nanosPerToken;
  }

  private long multiply(long delta) {
    long max = Long.MAX_VALUE / 8 / nanosPerToken;
    long d = Math.max(-max, Math.min(max, delta));
    return d * nanosPerToken;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  @Override
  public String toString() {
    return "TokenBucket{capacity=" + capacity + ", nanosPerToken=" + nanosPerToken + "}";
  }
}
