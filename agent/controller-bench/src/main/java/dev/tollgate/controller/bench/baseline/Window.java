package dev.tollgate.controller.bench.baseline;

/**
 * Outcomes of recent calls, summarized as one packed {@code long}: calls, failures and slow calls,
 * each in a 21-bit field stored with a bias so that transient races can never borrow across fields.
 * Read the fields with {@link #calls}, {@link #failures} and {@link #slow}.
 */
abstract class Window {
  static final int OK = 1;
  static final int FAILED = 2;
  static final int SLOW = 4;

  private static final int BITS = 21;
  private static final long MASK = (1L << BITS) - 1;
  static final long BIAS = 1L << 19;

  /** Totals of an empty window. */
  static final long EMPTY = BIAS | (BIAS << BITS) | (BIAS << (2 * BITS));

  /** Records one outcome (OK, with FAILED and/or SLOW bits) and returns the totals after it. */
  abstract long record(int outcome, long now);

  /** The totals now. */
  abstract long totals(long now);

  static long encode(int outcome) {
    if (outcome == 0) {
      return 0;
    }
    return 1L
        | ((long) ((outcome & FAILED) >>> 1) << BITS)
        | ((long) ((outcome & SLOW) >>> 2) << (2 * BITS));
  }

  static int calls(long totals) {
    return (int) ((totals & MASK) - BIAS);
  }

  static int failures(long totals) {
    return (int) (((totals >>> BITS) & MASK) - BIAS);
  }

  static int slow(long totals) {
    return (int) (((totals >>> (2 * BITS)) & MASK) - BIAS);
  }
}
