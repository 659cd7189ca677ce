package dev.tollgate.samples.loadgen;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run measured. Writers are the IO threads; the progress thread takes interval snapshots.
 * Times are recorded in microseconds.
 */
final class Stats {
  final Recorder latency = new Recorder(3);
  final Recorder firstChunk = new Recorder(3);
  final Recorder service = new Recorder(3);
  private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
  final LongAdder tokensIn = new LongAdder();
  final LongAdder tokensOut = new LongAdder();
  final LongAdder tokensTotal = new LongAdder();
  final LongAdder withUsage = new LongAdder();
  final LongAdder withoutUsage = new LongAdder();

  /** Cost in nano-dollars, for requests whose model has a price and whose split is known. */
  final LongAdder costNanoUsd = new LongAdder();

  final LongAdder unpricedTokens = new LongAdder();
  final AtomicInteger inflight = new AtomicInteger();

  Stats() {
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = new LongAdder();
    }
  }

  /** A successful response. {@code firstChunkNanos} and {@code serviceNanos} may be -1. */
  void ok(
      long latencyNanos,
      long firstChunkNanos,
      long serviceNanos,
      BodyAnalyzer.Tokens t,
      Prices.Price price) {
    outcomes[Outcome.OK.ordinal()].increment();
    latency.recordValue(Math.max(0, latencyNanos / 1000));
    if (firstChunkNanos >= 0) {
      firstChunk.recordValue(firstChunkNanos / 1000);
    }
    if (serviceNanos >= 0) {
      service.recordValue(serviceNanos / 1000);
    }
    if (!t.known()) {
      withoutUsage.increment();
      return;
    }
    withUsage.increment();
    if (t.input() >= 0) {
      tokensIn.add(t.input());
    }
    if (t.output() >= 0) {
      tokensOut.add(t.output());
    }
    if (t.total() >= 0) {
      tokensTotal.add(t.total());
    }
    if (price != null && t.input() >= 0 && t.output() >= 0) {
      costNanoUsd.add(
          Math.round(
              t.input() * price.inputPerMillion() * 1000
                  + t.output() * price.outputPerMillion() * 1000));
    } else if (t.total() >= 0) {
      unpricedTokens.add(t.total());
    }
  }

  void error(Outcome o) {
    outcomes[o.ordinal()].increment();
  }

  long count(Outcome o) {
    return outcomes[o.ordinal()].sum();
  }

  long completed() {
    long n = 0;
    for (LongAdder a : outcomes) {
      n += a.sum();
    }
    return n;
  }

  long errors() {
    return completed() - count(Outcome.OK);
  }

  /** Cumulative histograms, fed by draining the recorders' intervals. */
  static final class Totals {
    final Histogram latency = new Histogram(3);
    final Histogram firstChunk = new Histogram(3);
    final Histogram service = new Histogram(3);
    private Histogram lastInterval;

    /** Drains what was recorded since the last call; returns the interval's latency histogram. */
    Histogram drain(Stats... all) {
      Histogram interval = new Histogram(3);
      for (Stats s : all) {
        Histogram l = s.latency.getIntervalHistogram();
        interval.add(l);
        latency.add(l);
        firstChunk.add(s.firstChunk.getIntervalHistogram());
        service.add(s.service.getIntervalHistogram());
      }
      lastInterval = interval;
      return interval;
    }

    Histogram lastInterval() {
      return lastInterval;
    }
  }
}
