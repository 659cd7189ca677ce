package dev.tollgate.agent.core.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps the OTLP exporters so that a collector that is down or slow costs the application nothing
 * but a counter: failures are counted and reported at most once a minute, on stderr.
 */
public final class ThrottledExporters {
  private ThrottledExporters() {}

  /** Where export failures go; the agent prints to stderr at most once a minute. */
  public static final class Reporter {
    private static final long INTERVAL_NANOS = 60_000_000_000L;
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong failedItems = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private final java.util.function.Consumer<String> out;

    public Reporter(java.util.function.Consumer<String> out) {
      this.out = out;
    }

    void failed(String what, int items) {
      failedBatches.incrementAndGet();
      failedItems.addAndGet(items);
      long now = System.nanoTime();
      long last = lastReport.get();
      if (now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
        out.accept(
            "export of "
                + what
                + " failed; "
                + failedItems.get()
                + " items dropped so far (next report in a minute at the earliest)");
      }
    }

    public long failedItems() {
      return failedItems.get();
    }
  }

  static SpanExporter spans(SpanExporter delegate, Reporter reporter) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode r = delegate.export(spans);
        int n = spans.size();
        r.whenComplete(
            () -> {
              if (!r.isSuccess()) {
                reporter.failed("spans", n);
              }
            });
        return r;
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }

  static MetricExporter metrics(MetricExporter delegate, Reporter reporter) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        CompletableResultCode r = delegate.export(metrics);
        int n = metrics.size();
        r.whenComplete(
            () -> {
              if (!r.isSuccess()) {
                reporter.failed("metrics", n);
              }
            });
        return r;
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
      }

      @Override
      public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
      }

      @Override
      public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }
}
