package dev.tollgate.sidecar.ingest;

import static dev.tollgate.sidecar.testing.Otlp.num;
import static dev.tollgate.sidecar.testing.Otlp.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.testing.Otlp;
import dev.tollgate.sidecar.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real OTLP messages, in both encodings, decode to the same thing. */
public class OtlpRoundTripTest {
  private final OtlpCodec codec = new OtlpCodec();

  public static ExportTraceServiceRequest sampleTraces() {
    Span a =
        Otlp.call("openai", "gpt-4o").tokens(10, 20).endpoint("main").ttft(0.25).build().toBuilder()
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c")))
            .setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b174")))
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .build();
    Span b = Otlp.call("anthropic", "claude").error("429").attempt(3).build();
    return Otlp.traces("checkout", List.of(a, b));
  }

  public static ExportMetricsServiceRequest sampleMetrics() {
    NumberDataPoint depth =
        NumberDataPoint.newBuilder()
            .addAttributes(str(Tollgate.ENDPOINT_NAME, "main"))
            .setTimeUnixNano(1_700_000_000_000_000_000L)
            .setAsInt(7)
            .build();
    NumberDataPoint transitions =
        NumberDataPoint.newBuilder()
            .addAttributes(str(Tollgate.ENDPOINT_NAME, "main"))
            .addAttributes(str(Tollgate.TO_STATE, "open"))
            .setStartTimeUnixNano(1_600_000_000_000_000_000L)
            .setTimeUnixNano(1_700_000_000_000_000_000L)
            .setAsDouble(2)
            .build();
    NumberDataPoint retries =
        NumberDataPoint.newBuilder()
            .addAttributes(str(Tollgate.ENDPOINT_NAME, "main"))
            .addAttributes(str(Tollgate.REASON, "429"))
            .setStartTimeUnixNano(1_600_000_000_000_000_000L)
            .setTimeUnixNano(1_700_000_000_000_000_000L)
            .setAsInt(3)
            .build();
    NumberDataPoint waits =
        NumberDataPoint.newBuilder()
            .addAttributes(str(Tollgate.ENDPOINT_NAME, "main"))
            .addAttributes(str(Tollgate.LIMITER, "concurrency"))
            .setStartTimeUnixNano(1_690_000_000_000_000_000L)
            .setTimeUnixNano(1_700_000_000_000_000_000L)
            .setAsInt(4)
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(str("service.name", "checkout")))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName(Tollgate.SCOPE).setVersion("1"))
                        .addMetrics(
                            Metric.newBuilder()
                                .setName(Tollgate.METRIC_QUEUE_DEPTH)
                                .setUnit("{call}")
                                .setGauge(Gauge.newBuilder().addDataPoints(depth)))
                        .addMetrics(
                            Metric.newBuilder()
                                .setName(Tollgate.METRIC_BREAKER_TRANSITIONS)
                                .setUnit("{transition}")
                                .setSum(
                                    Sum.newBuilder()
                                        .setIsMonotonic(true)
                                        .setAggregationTemporality(
                                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                        .addDataPoints(transitions)))
                        .addMetrics(
                            Metric.newBuilder()
                                .setName(Tollgate.METRIC_RETRIES)
                                .setUnit("{retry}")
                                .setSum(
                                    Sum.newBuilder()
                                        .setIsMonotonic(true)
                                        .setAggregationTemporality(
                                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                        .addDataPoints(retries)))
                        .addMetrics(
                            Metric.newBuilder()
                                .setName("tollgate.controller.waits")
                                .setUnit("{call}")
                                .setSum(
                                    Sum.newBuilder()
                                        .setIsMonotonic(true)
                                        .setAggregationTemporality(
                                            AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                        .addDataPoints(waits)))))
        .build();
  }

  /** The sample metrics with the current time, so the gauges are not stale. */
  public static ExportMetricsServiceRequest sampleMetricsForNow() {
    long now = System.currentTimeMillis() * 1_000_000L;
    ExportMetricsServiceRequest.Builder b = sampleMetrics().toBuilder();
    b.getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .getMetricsBuilder(0)
        .getGaugeBuilder()
        .getDataPointsBuilder(0)
        .setTimeUnixNano(now);
    b.getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .addMetrics(
            Metric.newBuilder()
                .setName(Tollgate.METRIC_BREAKER_STATE)
                .setGauge(
                    Gauge.newBuilder()
                        .addDataPoints(
                            NumberDataPoint.newBuilder()
                                .addAttributes(str(Tollgate.ENDPOINT_NAME, "main"))
                                .setTimeUnixNano(now)
                                .setAsInt(1))));
    return b.build();
  }

  @Test
  void tracesRoundTripThroughProtobufAndJson() throws Exception {
    ExportTraceServiceRequest req = sampleTraces();
    assertThat(codec.traces(req.toByteArray(), OtlpCodec.Format.PROTOBUF)).isEqualTo(req);
    String json = OtlpJsonWriter.traces(req);
    assertThat(codec.traces(json.getBytes(StandardCharsets.UTF_8), OtlpCodec.Format.JSON).toString())
        .isEqualTo(req.toString());
  }

  @Test
  void metricsRoundTripThroughProtobufAndJson() throws Exception {
    ExportMetricsServiceRequest req = sampleMetrics();
    assertThat(codec.metrics(req.toByteArray(), OtlpCodec.Format.PROTOBUF)).isEqualTo(req);
    String json = OtlpJsonWriter.metrics(req);
    assertThat(codec.metrics(json.getBytes(StandardCharsets.UTF_8), OtlpCodec.Format.JSON))
        .isEqualTo(req);
  }

  @Test
  void jsonQuirksAreAccepted() throws Exception {
    String json =
        """
        {"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},
          "scope_spans":[{"spans":[{"trace_id":"","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1000,
            "endTimeUnixNano":"2000","status":{"code":"STATUS_CODE_ERROR"},
            "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":5}},
                          {"key":"x","value":{"kvlistValue":{"values":[{"key":"y","value":{"boolValue":true}}]}}},
                          {"key":"z","value":null}]}]}]}]}
        """;
    ExportTraceServiceRequest req =
        codec.traces(json.getBytes(StandardCharsets.UTF_8), OtlpCodec.Format.JSON);
    Span span = req.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(2000);
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getAttributes(0)).isEqualTo(num("gen_ai.usage.input_tokens", 5));
  }

  @Test
  void jsonErrorsNameTheField() {
    assertThatThrownBy(() -> codec.traces("{\"resourceSpans\":5}".getBytes(), OtlpCodec.Format.JSON))
        .isInstanceOf(BadPayloadException.class)
        .hasMessageContaining("resourceSpans");
    assertThatThrownBy(
            () ->
                codec.traces(
                    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}"
                        .getBytes(),
                    OtlpCodec.Format.JSON))
        .hasMessageContaining("traceId");
    assertThatThrownBy(() -> codec.traces("[1,2".getBytes(), OtlpCodec.Format.JSON))
        .hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> codec.traces(new byte[] {0x0a, 0x7f, 0x01}, OtlpCodec.Format.PROTOBUF))
        .hasMessageContaining("protobuf");
  }
}
