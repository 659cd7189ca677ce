package dev.tollgate.sidecar.aggregate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A sparse, mergeable histogram with logarithmic buckets (the DDSketch scheme): a value v > 0 goes
 * to bucket {@code ceil(log_gamma(v))}, and a quantile is answered with the bucket's midpoint, so
 * any quantile is within {@link #RELATIVE_ACCURACY} of the true value of that rank.
 *
 * <p>Why not HdrHistogram: at 2 significant digits over 1 microsecond to 1 hour its dense counts
 * array is ~26 KB per histogram, and we keep two per series per minute for a day (1,440 minutes x
 * up to thousands of series). One minute of one series touches a few dozen buckets, so a sparse
 * sorted array costs hundreds of bytes instead, merges by adding counts, and serializes compactly.
 *
 * <p>Not thread-safe: the {@link Aggregator} guards it.
 */
public final class LogHistogram {
  /** Half of the 1 % the API promises, so the bound holds with room to spare. */
  public static final double RELATIVE_ACCURACY = 0.005;

  static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
  static final double INV_LOG_GAMMA = 1 / Math.log(GAMMA);
  /** Values at or below this (seconds, so one nanosecond) count as zero. */
  static final double MIN_VALUE = 1e-9;
  /** Indexes are clamped to this range; 1e-9 .. ~1e8 (over three years, in seconds). */
  static final int MIN_INDEX = index(MIN_VALUE);

  static final int MAX_INDEX = index(1e8);

  private static final byte FORMAT = 1;

  private int[] indexes;
  private int[] counts;
  private int size;
  private long zeroCount;
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  public LogHistogram() {
    indexes = new int[8];
    counts = new int[8];
  }

  static int index(double value) {
    int i = (int) Math.ceil(Math.log(value) * INV_LOG_GAMMA);
    return i;
  }

  /** The value reported for bucket {@code index}: within RELATIVE_ACCURACY of all it holds. */
  static double bucketValue(int index) {
    return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
  }

  public void record(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      return; // NaN, negative or infinite: not a measurement
    }
    count++;
    sum += value;
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    if (value <= MIN_VALUE) {
      zeroCount++;
      return;
    }
    int idx = Math.min(MAX_INDEX, index(value));
    int pos = Arrays.binarySearch(indexes, 0, size, idx);
    if (pos >= 0) {
      counts[pos]++;
      return;
    }
    insert(-pos - 1, idx, 1);
  }

  private void insert(int pos, int idx, int n) {
    if (size == indexes.length) {
      indexes = Arrays.copyOf(indexes, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    System.arraycopy(indexes, pos, indexes, pos + 1, size - pos);
    System.arraycopy(counts, pos, counts, pos + 1, size - pos);
    indexes[pos] = idx;
    counts[pos] = n;
    size++;
  }

  public long count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  public double min() {
    return count == 0 ? Double.NaN : min;
  }

  public double max() {
    return count == 0 ? Double.NaN : max;
  }

  /** Adds everything in {@code other} to this histogram. */
  public void merge(LogHistogram other) {
    if (other.count == 0) {
      return;
    }
    count += other.count;
    sum += other.sum;
    zeroCount += other.zeroCount;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    for (int i = 0; i < other.size; i++) {
      int idx = other.indexes[i];
      int pos = Arrays.binarySearch(indexes, 0, size, idx);
      if (pos >= 0) {
        counts[pos] += other.counts[i];
      } else {
        insert(-pos - 1, idx, other.counts[i]);
      }
    }
  }

  void addTo(Accumulator acc) {
    if (count == 0) {
      return;
    }
    acc.count += count;
    acc.sum += sum;
    acc.zeroCount += zeroCount;
    acc.min = Math.min(acc.min, min);
    acc.max = Math.max(acc.max, max);
    long[] dense = acc.dense();
    for (int i = 0; i < size; i++) {
      dense[indexes[i] - MIN_INDEX] += counts[i];
    }
  }

  /** Compact binary form: a format byte, then varints (bucket indexes delta-encoded). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + size * 3);
    out.write(FORMAT);
    writeVarLong(out, count);
    writeVarLong(out, zeroCount);
    writeDouble(out, sum);
    writeDouble(out, count == 0 ? 0 : min);
    writeDouble(out, count == 0 ? 0 : max);
    writeVarLong(out, size);
    int prev = 0;
    for (int i = 0; i < size; i++) {
      writeVarLong(out, zigZag(indexes[i] - prev));
      prev = indexes[i];
      writeVarLong(out, counts[i]);
    }
    return out.toByteArray();
  }

  /**
   * Reads {@link #toBytes()} output.
   *
   * @throws IllegalArgumentException when the bytes are not a histogram
   */
  public static LogHistogram fromBytes(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != FORMAT) {
        throw new IllegalArgumentException("unknown histogram format");
      }
      LogHistogram h = new LogHistogram();
      h.count = readVarLong(in);
      h.zeroCount = readVarLong(in);
      h.sum = in.getDouble();
      double min = in.getDouble();
      double max = in.getDouble();
      if (h.count > 0) {
        h.min = min;
        h.max = max;
      }
      int n = (int) readVarLong(in);
      if (n < 0 || n > MAX_INDEX - MIN_INDEX + 1) {
        throw new IllegalArgumentException("bad bucket count " + n);
      }
      h.indexes = new int[Math.max(8, n)];
      h.counts = new int[Math.max(8, n)];
      int prev = 0;
      for (int i = 0; i < n; i++) {
        long z = readVarLong(in);
        prev += (int) ((z >>> 1) ^ -(z & 1));
        if (prev < MIN_INDEX || prev > MAX_INDEX || (i > 0 && prev <= h.indexes[i - 1])) {
          throw new IllegalArgumentException("bad bucket index " + prev);
        }
        h.indexes[i] = prev;
        h.counts[i] = (int) readVarLong(in);
      }
      h.size = n;
      return h;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated histogram", e);
    }
  }

  private static long zigZag(int v) {
    return ((long) v << 1) ^ ((long) v >> 63);
  }

  private static void writeVarLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarLong(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  private static void writeDouble(ByteArrayOutputStream out, double d) {
    long bits = Double.doubleToLongBits(d);
    for (int i = 7; i >= 0; i--) {
      out.write((int) (bits >>> (i * 8)));
    }
  }

  /**
   * A dense merge target for queries: adding a sparse histogram is one array add per bucket, and
   * a query allocates one of these (about 30 KB) and discards it.
   */
  public static final class Accumulator {
    /** Allocated on first use: many accumulators (TTFT of non-streaming calls) stay empty. */
    private long[] dense;
    private long count;
    private long zeroCount;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public void add(LogHistogram h) {
      h.addTo(this);
    }

    private long[] dense() {
      if (dense == null) {
        dense = new long[MAX_INDEX - MIN_INDEX + 1];
      }
      return dense;
    }

    public long count() {
      return count;
    }

    public double sum() {
      return sum;
    }

    public double max() {
      return count == 0 ? Double.NaN : max;
    }

    public double min() {
      return count == 0 ? Double.NaN : min;
    }

    /** The value at quantile q (0..1), or NaN when empty; clamped to the exact min and max. */
    public double quantile(double q) {
      if (count == 0) {
        return Double.NaN;
      }
      double rank = q * (count - 1);
      long seen = zeroCount;
      if (seen > rank) {
        return Math.max(0, min);
      }
      if (dense == null) {
        return max;
      }
      for (int i = 0; i < dense.length; i++) {
        seen += dense[i];
        if (seen > rank) {
          double v = bucketValue(i + MIN_INDEX);
          return Math.max(min, Math.min(max, v));
        }
      }
      return max;
    }
  }
}
