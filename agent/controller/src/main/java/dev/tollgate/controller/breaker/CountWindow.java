package dev.tollgate.controller.breaker;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@code size} outcomes in a ring, lock-free: a slot is claimed with one increment, and
 * when the outcome differs from the one it replaces, the slot is swapped by CAS and the totals move
 * by the difference in one {@code addAndGet} on a packed long. A success replacing a success writes
 * nothing to its slot, and a success into a window that holds only successes writes nothing at all
 * (one volatile read of the totals): the common case of a healthy backend. Totals are exact once
 * the calls in progress have finished; while they run, a reader may see them off by at most the
 * number of concurrent recorders.
 *
 * <p>Two recorders can hold the same slot only when {@code size} others were claimed in between;
 * the CAS makes the later write win and the totals follow every change that was made, so they never
 * drift from the slots. (A recorder that finds its own outcome already there changes nothing: the
 * same as if it had written first and been overwritten.)
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

  /** ceil(2^64 / size), for {@link #index}. */
  private final long reciprocal;

  /** The totals of a window full of plain successes. */
  private final long allSucceeded;

  private final AtomicLongArray counters = new AtomicLongArray(3 * LONG_PAD);
  private final AtomicIntegerArray slots;

  CountWindow(int size) {
    if (size < 1 || size >= BIAS) {
      throw new IllegalArgumentException("window size out of range: " + size);
    }
    this.size = size;
    this.reciprocal = Long.divideUnsigned(-1L, size) + 1;
    this.allSucceeded = EMPTY + encode(OK) * size;
    this.slots = new AtomicIntegerArray((size + 2) * INT_PAD);
    counters.set(TOTALS, EMPTY);
  }

  @Override
  long record(int outcome, long now) {
    // A success that would push a success out of a window of successes changes nothing: skip the
    // claim too, so the common case writes nothing shared at all (under contention, the claim
    // counter was the line every call fought over). A success racing with a failure may thus land
    // before it rather than after, as if the two concurrent calls had ended the other way round.
    if (outcome == OK) {
      long totals = counters.get(TOTALS);
      if (totals == allSucceeded) {
        return totals;
      }
    }
    int slot = (index(counters.getAndIncrement(INDEX)) + 1) * INT_PAD;
    for (; ; ) {
      int old = slots.get(slot);
      if (old == outcome) {
        return counters.get(TOTALS);
      }
      if (slots.compareAndSet(slot, old, outcome)) {
        return counters.addAndGet(TOTALS, encode(outcome) - encode(old));
      }
    }
  }

  /**
   * The ring position of claim number {@code claim}: its low 32 bits modulo {@code size}, by
   * Lemire's multiply-and-shift instead of a division (a 64-bit divide costs more than the rest of
   * the record). Claims past 2^32 wrap to position 0 early once: a slot is reused a little sooner,
   * and the totals still follow the slots.
   */
  int index(long claim) {
    long low = reciprocal * (claim & 0xFFFF_FFFFL);
    // The high 64 bits of the unsigned 128-bit product low * size (Math.unsignedMultiplyHigh is
    // Java 18).
    return (int) (Math.multiplyHigh(low, size) + ((low >> 63) & size));
  }

  @Override
  long totals(long now) {
    return counters.get(TOTALS);
  }
}
