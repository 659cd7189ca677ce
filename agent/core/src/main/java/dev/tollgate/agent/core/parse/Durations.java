package dev.tollgate.agent.core.parse;

/**
 * Go-style durations as OpenAI writes them in {@code x-ratelimit-reset-*}: {@code 77ms}, {@code
 * 1s}, {@code 6m0s}, {@code 2h3m4.5s}, {@code 20us}. Allocation-free.
 */
final class Durations {
  private Durations() {}

  /** Seconds, or NaN when the text is not a duration. A bare number is taken as seconds. */
  static double seconds(String s) {
    if (s == null) {
      return Double.NaN;
    }
    int n = s.length();
    int i = 0;
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    while (n > i && s.charAt(n - 1) == ' ') {
      n--;
    }
    if (i == n) {
      return Double.NaN;
    }
    double total = 0;
    boolean any = false;
    while (i < n) {
      // number: digits with an optional fraction
      long whole = 0;
      double frac = 0;
      double scale = 0.1;
      int start = i;
      while (i < n && Character.isDigit(s.charAt(i))) {
        whole = whole * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        i++;
        while (i < n && Character.isDigit(s.charAt(i))) {
          frac += (s.charAt(i) - '0') * scale;
          scale /= 10;
          i++;
        }
      }
      if (i == start) {
        return Double.NaN;
      }
      double v = whole + frac;
      if (i == n) {
        return any ? Double.NaN : v; // "30": seconds; "1m30" is malformed
      }
      double unit;
      char c = s.charAt(i);
      if (c == 'h') {
        unit = 3600;
        i++;
      } else if (c == 'm') {
        if (i + 1 < n && s.charAt(i + 1) == 's') {
          unit = 1e-3;
          i += 2;
        } else {
          unit = 60;
          i++;
        }
      } else if (c == 's') {
        unit = 1;
        i++;
      } else if (c == 'u' || c == '\u00b5' || c == '\u03bc') {
        if (i + 1 < n && s.charAt(i + 1) == 's') {
          unit = 1e-6;
          i += 2;
        } else {
          return Double.NaN;
        }
      } else if (c == 'n' && i + 1 < n && s.charAt(i + 1) == 's') {
        unit = 1e-9;
        i += 2;
      } else {
        return Double.NaN;
      }
      total += v * unit;
      any = true;
    }
    return total;
  }
}
