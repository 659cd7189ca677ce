package dev.tollgate.controller.bench.baseline;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@code size} outcomes in a ring, lock-free: a slot is claimed with one increment,
 * swapped with one {@code getAndSet}, and the totals move by the difference in one {@code
 * addAndGet} on a packed long (skipped when the outcome replaces an equal one, the common case).
 * Totals are exact once the calls in progress have finished; while they run, a reader may see them
 * off by at most the number of concurrent recorders.
 *
 * <p>The claim counter, the totals and the slots sit on separate cache lines (128 bytes apart, to
 * defeat adjacent-line prefetch too): every call writes them from whichever core it runs on, and
 * sharing a line would make each write evict its neighbours' reads.
 */
final class CountWindow extends Window {
  private static final int LONG_PAD = 16; // 16 longs = 128 bytes
  private static final int INT_PAD = 32; // 32 ints = 128 bytes
  private static final int INDEX = LONG_PAD;
  private static final int TOTALS = 2 * LONG_PAD;

  private final int size;
  private final AtomicLongArray counters = new AtomicLongArray(3 * LONG_PAD);
  private final AtomicIntegerArray slots;

  CountWindow(int size) {
    if (size < 1 || size >= BIAS) {
      throw new IllegalArgumentException("window size out of range: " + size);
    }
    this.size = size;
    this.slots = new AtomicIntegerArray((size + 2) * INT_PAD);
    counters.set(TOTALS, EMPTY);
  }

  @Override
  long record(int outcome, long now) {
    int i = (int) Long.remainderUnsigned(counters.getAndIncrement(INDEX), size);
    int old = slots.getAndSet((i + 1) * INT_PAD, outcome);
    long delta = encode(outcome) - encode(old);
    return delta == 0 ? counters.get(TOTALS) : counters.addAndGet(TOTALS, delta);
  }

  @Override
  long totals(long now) {
    return counters.get(TOTALS);
  }
}
