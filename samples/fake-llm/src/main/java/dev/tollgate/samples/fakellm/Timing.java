package dev.tollgate.samples.fakellm;

import java.util.random.RandomGenerator;

/**
 * When the parts of one answer are due, in milliseconds after the request arrived. See {@link
 * Knobs} for the model. Pure: the random source and the in-flight count come from the caller.
 */
record Timing(long prefillMs, long perTokenMs, double multiplier) {

  static Timing of(Knobs k, int inflight, RandomGenerator random) {
    double m = Saturation.multiplier(inflight, k.knee(), k.saturationExponent());
    double jitter = 0;
    if (k.jitterMs() > 0) {
      // Exponential with the given mean (a long tail, as real latencies have), capped at 20x.
      jitter = Math.min(-k.jitterMs() * Math.log(1.0 - random.nextDouble()), 20.0 * k.jitterMs());
    }
    long prefill = Math.round((k.latencyMs() + k.ttftMs() + jitter) * m);
    return new Timing(prefill, Math.round(k.perTokenMs() * m), m);
  }

  /** A blocking answer is complete once every output token, reasoning included, is generated. */
  long blockingMs(Usage u) {
    return prefillMs + perTokenMs * u.completion();
  }

  /** The first visible token of a stream comes after the prefill and the hidden reasoning. */
  long firstTokenMs(Usage u) {
    return prefillMs + perTokenMs * u.reasoning();
  }
}
