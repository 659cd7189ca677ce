package dev.tollgate.controller.retry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries at a share of first attempts over a sliding window, with a floor for quiet endpoints
 * (Finagle's {@code RetryBudget}: 20% plus 10 retries/s over 10 s; Envoy's and gRPC's retry
 * throttling work the same way). Within any window, retries may be at most {@code max(minPerSecond
 * * windowSeconds, ratio * firstAttempts)}.
 *
 * <p>Ten buckets per window, each a packed {@code long} of (bucket epoch, count) updated by CAS:
 * lock-free, no allocation. A withdrawal checks and increments the current bucket in one CAS, so a
 * storm of simultaneous failures cannot overdraw the budget.
 */
public final class RetryBudget {
  private static final int BUCKETS = 10;
  private static final int COUNT_BITS = 24;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private final double ratio;
  private final double floor;
  private final long bucketNanos;
  private final long origin;

  /** Buckets start this far into their arrays, which end as far after them (false sharing). */
  private static final int PAD = 16;

  private final AtomicLongArray firsts = new AtomicLongArray(BUCKETS + 2 * PAD);
  private final AtomicLongArray retries = new AtomicLongArray(BUCKETS + 2 * PAD);

  /**
   * @param ratio retries allowed per first attempt, e.g. 0.1
   * @param minPerSecond retries always allowed per second of window, e.g. 1
   * @param windowNanos the sliding window, e.g. 10 s
   */
  public RetryBudget(double ratio, double minPerSecond, long windowNanos, long now) {
    this.ratio = ratio;
    this.floor = minPerSecond * windowNanos / 1e9;
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    this.origin = now - bucketNanos;
  }

  /** Counts a first attempt (a deposit). */
  public void onFirstAttempt(long now) {
    add(firsts, now);
  }

  /** Counts a retry made by someone else (an SDK's own retry loop), whether or not it fits. */
  public void onExternalRetry(long now) {
    add(retries, now);
  }

  /** Takes one retry from the budget if it allows one; false when it is spent. */
  public boolean tryWithdraw(long now) {
    long epoch = epoch(now);
    int i = PAD + (int) (epoch % BUCKETS);
    double allowed = Math.max(floor, ratio * sum(firsts, epoch));
    for (; ; ) {
      long others = sumExcept(retries, epoch, i);
      long v = retries.get(i);
      boolean live = epochOf(v) >= epoch;
      long current = live ? countOf(v) : 0;
      if (others + current + 1 > allowed || current == COUNT_MASK) {
        return false;
      }
      if (retries.compareAndSet(i, v, live ? v + 1 : pack(epoch, 1))) {
        return true;
      }
    }
  }

  /** First attempts in the window. */
  public long firstAttempts(long now) {
    return sum(firsts, epoch(now));
  }

  /** Retries in the window. */
  public long retries(long now) {
    return sum(retries, epoch(now));
  }

  private void add(AtomicLongArray a, long now) {
    long epoch = epoch(now);
    int i = PAD + (int) (epoch % BUCKETS);
    for (; ; ) {
      long v = a.get(i);
      long next;
      if (epochOf(v) >= epoch) {
        if (countOf(v) == COUNT_MASK) {
          return;
        }
        next = v + 1;
      } else {
        next = pack(epoch, 1);
      }
      if (a.compareAndSet(i, v, next)) {
        return;
      }
    }
  }

  private long sum(AtomicLongArray a, long epoch) {
    long total = 0;
    for (int i = PAD; i < PAD + BUCKETS; i++) {
      long v = a.get(i);
      long e = epochOf(v);
      if (e > epoch - BUCKETS && e <= epoch + 1) {
        total += countOf(v);
      }
    }
    return total;
  }

  private long sumExcept(AtomicLongArray a, long epoch, int skip) {
    long total = 0;
    for (int i = PAD; i < PAD + BUCKETS; i++) {
      if (i == skip) {
        continue;
      }
      long v = a.get(i);
      long e = epochOf(v);
      if (e > epoch - BUCKETS && e <= epoch + 1) {
        total += countOf(v);
      }
    }
    return total;
  }

  private long epoch(long now) {
    return Math.max(1, (now - origin) / bucketNanos);
  }

  private static long pack(long epoch, long count) {
    return (epoch << COUNT_BITS) | count;
  }

  private static long epochOf(long v) {
    return v >>> COUNT_BITS;
  }

  private static long countOf(long v) {
    return v & COUNT_MASK;
  }
}
