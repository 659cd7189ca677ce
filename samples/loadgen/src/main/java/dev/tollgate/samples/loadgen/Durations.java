package dev.tollgate.samples.loadgen;

import java.util.Locale;

/** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
final class Durations {
  private Durations() {}

  static long parseNanos(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    double factor = 1e9;
    if (t.endsWith("ms")) {
      factor = 1e6;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      factor = 60e9;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      factor = 3600e9;
      t = t.substring(0, t.length() - 1);
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + s);
    }
    if (v < 0) {
      throw new IllegalArgumentException("negative duration: " + s);
    }
    return Math.round(v * factor);
  }

  static String format(long nanos) {
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
  }
}
