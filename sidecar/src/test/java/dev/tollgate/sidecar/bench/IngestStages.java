package dev.tollgate.sidecar.bench;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.CallRecord;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.export.PrometheusExporter;
import dev.tollgate.sidecar.ingest.IngestStats;
import dev.tollgate.sidecar.ingest.SpanMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where ingest time goes, per stage, single-threaded and in-process (no HTTP):
 * {@code mvn -B -q -pl sidecar test-compile exec:exec@stages}.
 */
public final class IngestStages {
  private IngestStages() {}

  public static void main(String[] args) throws Exception {
    Method m = SidecarBench.class.getDeclaredMethod("payloads");
    m.setAccessible(true);
    byte[][] payloads = (byte[][]) m.invoke(null);
    Aggregator agg = new Aggregator(Clock.systemUTC(), 2000, Duration.ofHours(24));
    ControllerState cs = new ControllerState(Clock.systemUTC(), Duration.ofMinutes(5), 2000);
    PrometheusExporter exporter =
        new PrometheusExporter(
            cs,
            agg,
            new IngestStats(),
            new PrometheusExporter.SelfMetrics() {
              @Override
              public long rowsWritten() {
                return 0;
              }

              @Override
              public long failures() {
                return 0;
              }

              @Override
              public int pendingRows() {
                return 0;
              }
            });
    for (int round = 0; round < 12; round++) {
      long parse = 0;
      long map = 0;
      long record = 0;
      long prom = 0;
      long fast = 0;
      long spans = 0;
      for (int i = 0; i < 400; i++) {
        byte[] body = payloads[i % payloads.length];
        long t0 = System.nanoTime();
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body);
        long t1 = System.nanoTime();
        List<CallRecord> calls = new ArrayList<>();
        for (ResourceSpans rs : req.getResourceSpansList()) {
          String service = SpanMapper.serviceName(rs.getResource());
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              calls.add(SpanMapper.map(service, s));
            }
          }
        }
        long mapEnd = System.nanoTime();
        long t2;
        long tf = System.nanoTime();
        calls = dev.tollgate.sidecar.ingest.OtlpProtobufDecoder.traces(body).calls();
        fast += System.nanoTime() - tf;
        t2 = System.nanoTime();
        var keys = agg.recordAll(calls);
        long t3 = System.nanoTime();
        for (int k = 0; k < keys.length; k++) {
          exporter.onCall(calls.get(k), keys[k]);
        }
        long t4 = System.nanoTime();
        parse += t1 - t0;
        map += mapEnd - t1;
        record += t3 - t2;
        prom += t4 - t3;
        spans += calls.size();
      }
      System.out.printf(
          "round %d: per span parse %.0f ns + map %.0f ns, or streaming decode %.0f ns;"
              + " aggregate %.0f ns, prometheus %.0f ns => %,.0f spans/s on one thread%n",
          round,
          parse / (double) spans,
          map / (double) spans,
          fast / (double) spans,
          record / (double) spans,
          prom / (double) spans,
          spans / ((fast + record + prom) / 1e9));
    }
  }
}
