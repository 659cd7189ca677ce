package dev.tollgate.sidecar.api;

import dev.tollgate.sidecar.ingest.BadPayloadException;
import dev.tollgate.sidecar.ingest.IngestStats;
import dev.tollgate.sidecar.ingest.IngestStats.Result;
import dev.tollgate.sidecar.ingest.IngestStats.Signal;
import dev.tollgate.sidecar.ingest.MetricIngest;
import dev.tollgate.sidecar.ingest.OtlpCodec;
import dev.tollgate.sidecar.ingest.OtlpCodec.Format;
import dev.tollgate.sidecar.ingest.TraceIngest;
import io.javalin.http.Context;

/**
 * OTLP/HTTP receivers. Each reads and decodes the whole body before anything is applied, so a bad
 * request changes nothing; the 200 goes out only after the data is in the aggregator (from where
 * the flusher persists it).
 */
final class IngestHandlers {
  private final OtlpCodec codec = new OtlpCodec();
  private final BodyReader bodies;
  private final TraceIngest traces;
  private final MetricIngest metrics;
  private final IngestStats stats;
  private final Json json;

  IngestHandlers(
      long maxBodyBytes, TraceIngest traces, MetricIngest metrics, IngestStats stats, Json json) {
    this.bodies = new BodyReader(maxBodyBytes);
    this.traces = traces;
    this.metrics = metrics;
    this.stats = stats;
    this.json = json;
  }

  void traces(Context ctx) {
    Format format = format(ctx, Signal.TRACES);
    byte[] body = body(ctx, Signal.TRACES);
    try {
      traces.ingest(codec.calls(body, format));
    } catch (BadPayloadException e) {
      throw bad(Signal.TRACES, e);
    }
    stats.request(Signal.TRACES, Result.OK);
    ctx.status(200).contentType(format.contentType()).result(codec.traceResponse(format));
  }

  void metrics(Context ctx) {
    Format format = format(ctx, Signal.METRICS);
    byte[] body = body(ctx, Signal.METRICS);
    try {
      metrics.ingest(codec.metrics(body, format));
    } catch (BadPayloadException e) {
      throw bad(Signal.METRICS, e);
    }
    stats.request(Signal.METRICS, Result.OK);
    ctx.status(200).contentType(format.contentType()).result(codec.metricsResponse(format));
  }

  /** Agents may export logs too; they are accepted and dropped. */
  void logs(Context ctx) {
    Format format = format(ctx, Signal.LOGS);
    body(ctx, Signal.LOGS);
    stats.request(Signal.LOGS, Result.OK);
    ctx.status(200).contentType(format.contentType()).result(codec.logsResponse(format));
  }

  private Format format(Context ctx, Signal signal) {
    Format f = Format.of(ctx.header("Content-Type"));
    if (f == null) {
      stats.request(signal, Result.UNSUPPORTED_MEDIA_TYPE);
      throw new BadRequest(
          415,
          "unsupported Content-Type '"
              + ctx.header("Content-Type")
              + "': use application/x-protobuf or application/json");
    }
    return f;
  }

  private byte[] body(Context ctx, Signal signal) {
    try {
      return bodies.read(ctx);
    } catch (BadRequest e) {
      stats.request(
          signal,
          e.status == 413
              ? Result.TOO_LARGE
              : e.status == 415 ? Result.UNSUPPORTED_MEDIA_TYPE : Result.BAD_REQUEST);
      throw e;
    }
  }

  private BadRequest bad(Signal signal, BadPayloadException e) {
    stats.request(signal, Result.BAD_REQUEST);
    return new BadRequest(e.getMessage());
  }
}
