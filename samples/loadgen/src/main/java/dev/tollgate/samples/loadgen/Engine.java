package dev.tollgate.samples.loadgen;

import java.util.List;

/** Sends the requests of one run. Started once; the caller polls it while showing progress. */
interface Engine {

  /** Everything an engine needs, fixed for the run. */
  record Plan(
      Target target,
      List<Scenario.Template> templates,
      int concurrency,
      long rampUpNanos,
      long durationNanos, // Long.MAX_VALUE: no limit
      long requests, // 0: no limit
      double rate, // 0: closed loop
      long timeoutNanos,
      int ioThreads) {

    static Plan of(Options o, Target target, List<Scenario.Template> templates) {
      return new Plan(
          target,
          templates,
          o.concurrency,
          o.rampUpNanos,
          o.durationNanos == null ? Long.MAX_VALUE : o.durationNanos,
          o.requests,
          o.rate,
          o.timeoutNanos,
          o.ioThreads);
    }

    /** The same load for a fixed time, with no request limit: to warm both ends up. */
    Plan warmup(long nanos) {
      return new Plan(
          target, templates, concurrency, rampUpNanos, nanos, 0, rate, timeoutNanos, ioThreads);
    }

    boolean openLoop() {
      return rate > 0;
    }

    long endNanos(long t0) {
      return durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : t0 + durationNanos;
    }
  }

  /** Starts sending at {@code t0} (a System.nanoTime value); returns at once. */
  void start(long t0);

  /** Stops sending; requests still in flight are dropped unrecorded. For Ctrl-C. */
  void abort();

  /** Waits up to {@code millis}; true once every request has finished. */
  boolean await(long millis) throws InterruptedException;

  /** One Stats per sending thread, to be merged. */
  Stats[] stats();

  /** When the last response finished (System.nanoTime), or -1 if none did. */
  long lastCompletionNanos();
}
