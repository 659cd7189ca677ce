package dev.tollgate.sidecar.ingest;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.CallListener;
import dev.tollgate.sidecar.aggregate.CallRecord;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a decoded trace export into calls: maps every span, records the GenAI ones in one batch,
 * then tells the listeners. A request is applied whole or not at all (decoding happens before).
 */
public final class TraceIngest {
  private static final Logger LOG = Logger.getLogger(TraceIngest.class.getName());

  private final Aggregator aggregator;
  private final IngestStats stats;
  private final List<CallListener> listeners = new CopyOnWriteArrayList<>();

  public TraceIngest(Aggregator aggregator, IngestStats stats) {
    this.aggregator = aggregator;
    this.stats = stats;
  }

  public void addListener(CallListener listener) {
    listeners.add(listener);
  }

  /** What one request contributed. */
  public record Result(int accepted, int skipped, int tooOld) {}

  /** Maps and records a decoded request (the JSON path, and tests). */
  public Result ingest(ExportTraceServiceRequest request) {
    return ingest(decode(request));
  }

  /** Maps every span of a request; nothing is recorded yet. */
  public static OtlpProtobufDecoder.Decoded decode(ExportTraceServiceRequest request) {
    List<CallRecord> calls = new ArrayList<>();
    int skipped = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = SpanMapper.serviceName(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          CallRecord call = SpanMapper.map(service, span);
          if (call == null) {
            skipped++;
          } else {
            calls.add(call);
          }
        }
      }
    }
    return new OtlpProtobufDecoder.Decoded(calls, skipped);
  }

  /** Records the calls of one request in one batch, then tells the listeners. */
  public Result ingest(OtlpProtobufDecoder.Decoded decoded) {
    List<CallRecord> calls = decoded.calls();
    int tooOld = 0;
    if (!calls.isEmpty()) {
      SeriesKey[] keys = aggregator.recordAll(calls);
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == null) {
          tooOld++;
        } else {
          notify(calls.get(i), keys[i]);
        }
      }
    }
    stats.spansAccepted.addAndGet(calls.size() - tooOld);
    stats.spansSkipped.addAndGet(decoded.skipped());
    stats.spansTooOld.addAndGet(tooOld);
    return new Result(calls.size() - tooOld, decoded.skipped(), tooOld);
  }

  private void notify(CallRecord call, SeriesKey key) {
    for (CallListener l : listeners) {
      try {
        l.onCall(call, key);
      } catch (RuntimeException e) {
        // The call is already counted; a listener's bug must not fail the export.
        LOG.log(Level.WARNING, "call listener failed", e);
      }
    }
  }
}
