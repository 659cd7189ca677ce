package dev.tollgate.sidecar.ingest;

import java.util.concurrent.atomic.AtomicLong;

/** The sidecar's own ingest counters, exported as self-metrics. Thread-safe. */
public final class IngestStats {
  /** Which OTLP signal a request carried. */
  public enum Signal {
    TRACES,
    METRICS,
    LOGS
  }

  /** How a request ended. */
  public enum Result {
    OK,
    BAD_REQUEST,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    UNAUTHORIZED
  }

  private final AtomicLong[][] requests =
      new AtomicLong[Signal.values().length][Result.values().length];
  final AtomicLong spansAccepted = new AtomicLong();
  final AtomicLong spansSkipped = new AtomicLong();
  final AtomicLong spansTooOld = new AtomicLong();
  final AtomicLong metricPoints = new AtomicLong();

  public IngestStats() {
    for (AtomicLong[] row : requests) {
      for (int i = 0; i < row.length; i++) {
        row[i] = new AtomicLong();
      }
    }
  }

  public void request(Signal signal, Result result) {
    requests[signal.ordinal()][result.ordinal()].incrementAndGet();
  }

  public long requests(Signal signal, Result result) {
    return requests[signal.ordinal()][result.ordinal()].get();
  }

  /** GenAI spans aggregated. */
  public long spansAccepted() {
    return spansAccepted.get();
  }

  /** Spans ignored because they are not GenAI calls. */
  public long spansSkipped() {
    return spansSkipped.get();
  }

  /** GenAI spans dropped because they ended before the in-memory horizon. */
  public long spansTooOld() {
    return spansTooOld.get();
  }

  /** Metric data points used (controller gauges and counters). */
  public long metricPoints() {
    return metricPoints.get();
  }
}
