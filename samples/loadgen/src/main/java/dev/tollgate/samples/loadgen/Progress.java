package dev.tollgate.samples.loadgen;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The progress line on stderr: rewritten in place about once a second on a terminal, otherwise
 * printed as a new line every 5 seconds so logs stay readable.
 */
final class Progress {
  private final PrintStream err;
  private final boolean tty;
  private final boolean off;
  private final long durationNanos;
  private final long requests;
  private long lastCompleted;
  private long lastNanos;
  private int lastWidth;

  Progress(PrintStream err, String mode, long durationNanos, long requests) {
    this.err = err;
    this.off = mode.equals("off");
    this.tty = mode.equals("tty") || (mode.equals("auto") && stderrIsTerminal());
    this.durationNanos = durationNanos;
    this.requests = requests;
  }

  long intervalMillis() {
    return tty ? 1000 : 5000;
  }

  /** Linux tells through /proc whether fd 2 is a terminal; elsewhere trust System.console(). */
  static boolean stderrIsTerminal() {
    try {
      Path fd = Path.of("/proc/self/fd/2");
      if (Files.exists(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (Exception ignored) {
      // fall through
    }
    return System.console() != null;
  }

  void start(long t0) {
    lastNanos = t0;
  }

  void update(long now, long t0, long completed, long errors, int inflight, Histogram interval) {
    if (off) {
      return;
    }
    double dt = (now - lastNanos) / 1e9;
    double rps = dt > 0 ? (completed - lastCompleted) / dt : 0;
    lastNanos = now;
    lastCompleted = completed;
    double fraction = 0;
    if (durationNanos != Long.MAX_VALUE) {
      fraction = Math.max(fraction, (now - t0) / (double) durationNanos);
    }
    if (requests > 0) {
      fraction = Math.max(fraction, completed / (double) requests);
    }
    fraction = Math.min(1, fraction);
    int filled = (int) Math.round(fraction * 20);
    String p50 = interval.getTotalCount() == 0 ? "-" : fmtMs(interval.getValueAtPercentile(50));
    String p99 = interval.getTotalCount() == 0 ? "-" : fmtMs(interval.getValueAtPercentile(99));
    String line =
        String.format(
            Locale.ROOT,
            "[%s%s] %3d%%  %6.1fs  %,d done  %,.0f req/s  %,d errors  p50 %s  p99 %s  in flight %d",
            "#".repeat(filled),
            ".".repeat(20 - filled),
            Math.round(fraction * 100),
            (now - t0) / 1e9,
            completed,
            rps,
            errors,
            p50,
            p99,
            inflight);
    if (tty) {
      String pad = lastWidth > line.length() ? " ".repeat(lastWidth - line.length()) : "";
      err.print("\r" + line + pad);
      lastWidth = line.length();
    } else {
      err.println(line);
    }
    err.flush();
  }

  void finish() {
    if (tty && !off && lastWidth > 0) {
      err.println();
    }
  }

  private static String fmtMs(long micros) {
    return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
  }
}
