package dev.tollgate.sidecar.testing;

import com.google.protobuf.ByteString;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/** Builds OTLP messages as the Tollgate agent sends them. */
public final class Otlp {
  private static final AtomicLong IDS = new AtomicLong(1);

  private Otlp() {}

  public static KeyValue str(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  public static KeyValue num(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  public static KeyValue dbl(String k, double v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setDoubleValue(v)).build();
  }

  public static KeyValue bool(String k, boolean v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
  }

  /** A fluent span builder with Tollgate's attributes. */
  public static final class Call {
    private final Span.Builder span = Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_CLIENT);
    private Instant end = Instant.now();
    private double seconds = 1.0;

    public Call(String provider, String model) {
      long id = IDS.getAndIncrement();
      span.setTraceId(ByteString.copyFrom(new byte[16]).concat(ByteString.EMPTY))
          .setSpanId(ByteString.copyFrom(longBytes(id)))
          .setName("chat " + model)
          .addAttributes(str(GenAi.PROVIDER_NAME, provider))
          .addAttributes(str(GenAi.OPERATION_NAME, GenAi.OP_CHAT))
          .addAttributes(str(GenAi.REQUEST_MODEL, model))
          .addAttributes(str(GenAi.SERVER_ADDRESS, "api.example.com"))
          .addAttributes(num(GenAi.SERVER_PORT, 443));
    }

    private static byte[] longBytes(long v) {
      byte[] b = new byte[8];
      for (int i = 7; i >= 0; i--) {
        b[i] = (byte) v;
        v >>>= 8;
      }
      return b;
    }

    public Call attr(KeyValue kv) {
      span.addAttributes(kv);
      return this;
    }

    public Call endpoint(String e) {
      return attr(str(Tollgate.ENDPOINT_NAME, e));
    }

    public Call tokens(long in, long out) {
      return attr(num(GenAi.USAGE_INPUT_TOKENS, in)).attr(num(GenAi.USAGE_OUTPUT_TOKENS, out));
    }

    public Call error(String type) {
      return attr(str(GenAi.ERROR_TYPE, type));
    }

    public Call attempt(int n) {
      return attr(num(Tollgate.ATTEMPT, n));
    }

    public Call ttft(double s) {
      return attr(dbl(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK, s)).attr(bool(GenAi.REQUEST_STREAM, true));
    }

    public Call duration(double s) {
      this.seconds = s;
      return this;
    }

    public Call endAt(Instant i) {
      this.end = i;
      return this;
    }

    public Span build() {
      long endNanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
      return span.setStartTimeUnixNano(endNanos - Math.round(seconds * 1e9))
          .setEndTimeUnixNano(endNanos)
          .build();
    }
  }

  public static Call call(String provider, String model) {
    return new Call(provider, model);
  }

  public static ExportTraceServiceRequest traces(String service, List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(str("service.name", service)))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName(Tollgate.SCOPE))
                        .addAllSpans(spans)))
        .build();
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
