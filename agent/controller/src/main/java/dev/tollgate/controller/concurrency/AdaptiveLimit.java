package dev.tollgate.controller.concurrency;

import java.util.Arrays;

/**
 * Finds a backend's concurrency knee from the calls' own outcomes and drives a {@link
 * ConcurrencyLimiter}'s limit.
 *
 * <p>Two signals, evaluated once per window (at least {@code windowNanos} long and {@code
 * minSamples} calls, like Netflix's {@code WindowedLimit}):
 *
 * <ul>
 *   <li><b>Loss</b> (AIMD): a 429, a 5xx/529, a timeout or a connection error anywhere in the
 *       window multiplies the limit by {@code backoff} (0.9), once per window.
 *   <li><b>Latency</b> (Vegas on a normalized sample): raw LLM latency is dominated by how many
 *       tokens the model writes, which would read as queueing. So each successful call's latency is
 *       normalized before it is compared: time to first chunk when streaming, else latency per
 *       output token, else raw latency, each kind against its own baseline. The window's median
 *       ratio to the baseline estimates the backend's queue, {@code queue = L * (1 - 1/ratio)}, and
 *       the limit moves by Vegas's rules: up by {@code 6*log10(L)} while the queue is tiny, by
 *       {@code log10(L)} while it is below {@code 3*log10(L)}, down by {@code log10(L)} above
 *       {@code 6*log10(L)}.
 * </ul>
 *
 * <p>The baseline of each kind is the lowest window median seen (the no-load latency). It only
 * ratchets down, so a loaded steady state cannot drift it upwards. When the backend itself becomes
 * slower the limit sinks, and once latency is seen not to respond to that (the limit halved, the
 * latency ratio still at least 1.5 and down by less than a fifth, or 5 windows at {@code min}) the
 * baseline is learnt again at that low concurrency (Envoy re-measures its minRTT at a pinned
 * minimum concurrency in the same spirit). A window in which fewer than half the permits were used
 * does not raise the limit: an application-limited load says nothing about the backend's capacity.
 *
 * <p>Thread-safe: samples are recorded under this object's monitor (only adaptive endpoints pay for
 * it, once per call).
 */
public final class AdaptiveLimit {
  /** Sample kinds, each with its own baseline. */
  static final int TTFT = 0;

  static final int PER_TOKEN = 1;
  static final int RAW = 2;
  private static final int KINDS = 3;
  private static final int MAX_SAMPLES = 512;
  private static final int RELEARN_WINDOWS = 5;

  /** Latency this far above the baseline is clearly not noise. */
  private static final double SLOW_RATIO = 1.5;

  private final int min;
  private final int max;
  private final long windowNanos;
  private final int minSamples;
  private final double backoff;

  private double limit;
  private long windowStart;
  private boolean dropped;
  private int maxInFlight;
  private final double[][] samples = new double[KINDS][MAX_SAMPLES];
  private final int[] counts = new int[KINDS];
  private final double[] baseline = new double[KINDS];
  private int slowStreak;
  private double streakLimit;
  private double streakRatio;
  private long windows;

  /**
   * @param windowNanos minimum window length, e.g. 1 s
   * @param minSamples minimum calls per window, e.g. 10
   * @param backoff multiplier on loss, in [0.5, 1)
   */
  public AdaptiveLimit(
      int min, int max, int initial, long windowNanos, int minSamples, double backoff, long now) {
    if (min < 1 || max < min || initial < min || initial > max) {
      throw new IllegalArgumentException(
          "need 1 <= min <= initial <= max: " + min + ", " + initial + ", " + max);
    }
    if (!(backoff >= 0.5 && backoff < 1)) {
      throw new IllegalArgumentException("backoff must be in [0.5, 1): " + backoff);
    }
    this.min = min;
    this.max = max;
    this.limit = initial;
    this.windowNanos = windowNanos;
    this.minSamples = Math.max(1, minSamples);
    this.backoff = backoff;
    this.windowStart = now;
    Arrays.fill(baseline, Double.NaN);
  }

  /** Defaults: 1 s windows of at least 10 calls, back-off 0.9. */
  public static AdaptiveLimit of(int min, int max, int initial, long now) {
    return new AdaptiveLimit(min, max, initial, 1_000_000_000L, 10, 0.9, now);
  }

  /**
   * Records a call that completed.
   *
   * @param inFlight calls in flight when it completed (itself included)
   * @return the new limit when this sample closed a window and changed it, else -1
   */
  public synchronized int onSuccess(
      long now, long latencyNanos, long ttftNanos, long outputTokens, int inFlight) {
    if (inFlight > maxInFlight) {
      maxInFlight = inFlight;
    }
    int kind;
    double value;
    if (ttftNanos > 0) {
      kind = TTFT;
      value = ttftNanos;
    } else if (outputTokens > 0) {
      kind = PER_TOKEN;
      value = (double) latencyNanos / outputTokens;
    } else {
      kind = RAW;
      value = latencyNanos;
    }
    if (value > 0 && counts[kind] < MAX_SAMPLES) {
      samples[kind][counts[kind]++] = value;
    }
    return maybeUpdate(now);
  }

  /** Records a call that signalled overload (429, 5xx, timeout, connect error). */
  public synchronized int onDropped(long now, int inFlight) {
    if (inFlight > maxInFlight) {
      maxInFlight = inFlight;
    }
    dropped = true;
    return maybeUpdate(now);
  }

  private int maybeUpdate(long now) {
    if (now - windowStart < windowNanos) {
      return -1;
    }
    int n = counts[TTFT] + counts[PER_TOKEN] + counts[RAW];
    if (!dropped && n < minSamples) {
      return -1;
    }
    int before = (int) limit;
    update();
    windowStart = now;
    dropped = false;
    maxInFlight = 0;
    Arrays.fill(counts, 0);
    windows++;
    int after = (int) limit;
    return after != before ? after : -1;
  }

  private void update() {
    // Window medians per kind, and their ratio to each kind's baseline, weighted by sample count.
    double ratioSum = 0;
    int ratioWeight = 0;
    double[] medians = new double[KINDS];
    for (int k = 0; k < KINDS; k++) {
      medians[k] = Double.NaN;
      int c = counts[k];
      if (c == 0) {
        continue;
      }
      Arrays.sort(samples[k], 0, c);
      double median =
          (c & 1) == 1 ? samples[k][c / 2] : (samples[k][c / 2 - 1] + samples[k][c / 2]) / 2;
      medians[k] = median;
      if (Double.isNaN(baseline[k]) || median < baseline[k]) {
        baseline[k] = median;
      }
      ratioSum += (median / baseline[k]) * c;
      ratioWeight += c;
    }
    double l = limit;
    double lg = Math.max(1, Math.floor(Math.log10(l)));
    double alpha = 3 * lg;
    double beta = 6 * lg;
    double ratio = ratioWeight > 0 ? ratioSum / ratioWeight : Double.NaN;
    if (dropped) {
      l = l * backoff;
    } else if (ratioWeight > 0) {
      double queue = l * (1 - 1 / ratio);
      if (queue > beta) {
        l = l - lg;
      } else if (maxInFlight * 2 < l) {
        // Application-limited: the latency says nothing about what more load would do.
      } else if (queue <= lg) {
        l = l + beta;
      } else if (queue < alpha) {
        l = l + lg;
      }
    }
    l = Math.max(min, Math.min(max, l));
    if (shouldRelearn(ratio, l)) {
      for (int k = 0; k < KINDS; k++) {
        if (!Double.isNaN(medians[k])) {
          baseline[k] = medians[k];
        }
      }
      slowStreak = 0;
    }
    limit = l;
  }

  /**
   * True when latency stays well above the baseline although the load was cut: at the minimum for
   * {@code RELEARN_WINDOWS} windows, or after the limit has been halved without the latency ratio
   * falling by a fifth. Queueing would have responded to the cut; a slower backend does not.
   */
  private boolean shouldRelearn(double ratio, double newLimit) {
    if (Double.isNaN(ratio) || ratio < SLOW_RATIO) {
      slowStreak = 0;
      return false;
    }
    if (slowStreak++ == 0) {
      streakLimit = limit;
      streakRatio = ratio;
      return false;
    }
    boolean atMin = newLimit <= min && slowStreak >= RELEARN_WINDOWS;
    boolean unresponsive = newLimit <= streakLimit / 2 && ratio >= 0.8 * streakRatio;
    return atMin || unresponsive;
  }

  /** The current limit. */
  public synchronized int limit() {
    return (int) limit;
  }

  /** The no-load baseline of the given kind (ns or ns per token), NaN before the first window. */
  synchronized double baseline(int kind) {
    return baseline[kind];
  }

  /** Windows evaluated so far. */
  public synchronized long windows() {
    return windows;
  }

  public int min() {
    return min;
  }

  public int max() {
    return max;
  }
}
