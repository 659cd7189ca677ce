package dev.tollgate.agent.core.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds bytes eight at a time. Every byte of a stream passes through the framer's line-end search
 * and the skim's quote search, so these two loops set the per-byte cost of watching a stream; a
 * word at a time makes them several times faster than a byte at a time (see TapBenchmark).
 */
final class ByteScan {
  private ByteScan() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = '"' * ONES;
  private static final long LFS = '\n' * ONES;
  private static final long CRS = '\r' * ONES;

  /**
   * The high bit of each byte of {@code x} that is zero. Bytes above the first zero may be flagged
   * falsely (a borrow), so only the lowest flag is meaningful, which is the one the callers use:
   * in little-endian order it is the first byte in the array.
   */
  private static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;

  /** The high bit of each byte of {@code x} that is zero, exactly (no borrow between bytes). */
  private static long exactZeroBytes(long x) {
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }

  /**
   * The next position in {@code [from, end - 1)} where a {@code "} is followed by one of the bytes
   * whose spread words ({@link #spread}) are in {@code next}, or -1. Most quotes in JSON open
   * names or values the caller does not care about; testing the byte after each quote for eight
   * positions at once passes over them without a branch each.
   */
  static int quoteThen(byte[] b, int from, int end, long[] next) {
    int i = from;
    for (; i + 9 <= end; i += 8) {
      long q = exactZeroBytes((long) LONGS.get(b, i) ^ QUOTES);
      if (q == 0) {
        continue;
      }
      long after = (long) LONGS.get(b, i + 1);
      long m = 0;
      for (long c : next) {
        m |= exactZeroBytes(after ^ c);
      }
      long hits = q & m;
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    for (; i + 1 < end; i++) {
      if (b[i] == '"') {
        long a = (b[i + 1] & 0xFFL) * ONES;
        for (long c : next) {
          if (a == c) {
            return i;
          }
        }
      }
    }
    return -1;
  }

  /** A byte repeated in every byte of a word, for {@link #quoteThen}. */
  static long spread(byte c) {
    return (c & 0xFFL) * ONES;
  }

  /** The index of the first LF or CR in {@code [from, end)}, or {@code end}. */
  static int lineEnd(byte[] b, int from, int end) {
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long v = (long) LONGS.get(b, i);
      long z = zeroBytes(v ^ LFS) | zeroBytes(v ^ CRS);
      if (z != 0) {
        // Each term's lowest flag is exact, so the lower of the two is the first line end.
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < end; i++) {
      byte d = b[i];
      if (d == '\n' || d == '\r') {
        return i;
      }
    }
    return end;
  }
}
