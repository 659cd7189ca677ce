package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.config.AgentConfig;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exports each call as a CLIENT span and as GenAI metrics through the agent's own OpenTelemetry
 * SDK instance. The global {@code GlobalOpenTelemetry} is never touched, so the agent sits beside
 * an application's own OpenTelemetry or the OpenTelemetry Java agent.
 *
 * <p>Export is asynchronous: spans go through a bounded batch queue (drops are counted by the
 * SDK's processor and by {@link ThrottledExporters}), metrics through a periodic reader. The
 * application thread only records.
 */
public final class OtelCallSink implements CallSink {
  private final SdkTracerProvider tracerProvider;
  private final SdkMeterProvider meterProvider;
  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final DoubleHistogram ttfc;
  private final LongHistogram tokens;
  private final LongCounter parseFailures;

  public OtelCallSink(AgentConfig config, Resource resource, ThrottledExporters.Reporter reporter) {
    SpanExporter spans =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(config.exporterEndpoint + "/v1/traces")
            .setTimeout(config.exportTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .build();
    MetricExporter metrics =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(config.exporterEndpoint + "/v1/metrics")
            .setTimeout(config.exportTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .build();
    this.meterProvider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(ThrottledExporters.metrics(metrics, reporter))
                    .setInterval(config.metricsInterval.toMillis(), TimeUnit.MILLISECONDS)
                    .build())
            .build();
    this.tracerProvider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(
                BatchSpanProcessor.builder(ThrottledExporters.spans(spans, reporter))
                    .setMaxQueueSize(config.exportQueueSize)
                    .setScheduleDelay(1, TimeUnit.SECONDS)
                    .setMeterProvider(meterProvider)
                    .build())
            .build();
    this.tracer = tracerProvider.get(Tollgate.SCOPE);
    Meter meter = meterProvider.get(Tollgate.SCOPE);
    List<Double> durationBuckets = boxed(GenAi.DURATION_BUCKETS_SECONDS);
    this.duration =
        meter
            .histogramBuilder(GenAi.METRIC_OPERATION_DURATION)
            .setUnit("s")
            .setDescription("GenAI operation duration.")
            .setExplicitBucketBoundariesAdvice(durationBuckets)
            .build();
    this.ttfc =
        meter
            .histogramBuilder(GenAi.METRIC_TIME_TO_FIRST_CHUNK)
            .setUnit("s")
            .setDescription("Time to receive the first chunk of a streamed response.")
            .setExplicitBucketBoundariesAdvice(durationBuckets)
            .build();
    List<Long> tokenBuckets = boxedLong(GenAi.TOKEN_BUCKETS);
    this.tokens =
        meter
            .histogramBuilder(GenAi.METRIC_TOKEN_USAGE)
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Number of input and output tokens used.")
            .setExplicitBucketBoundariesAdvice(tokenBuckets)
            .build();
    this.parseFailures =
        meter
            .counterBuilder(Tollgate.METRIC_PARSE_FAILURES)
            .setDescription("Calls whose body the agent could not parse (the call itself was untouched).")
            .build();
  }

  /** The meter the controller's gauges and counters register on. */
  public Meter meter() {
    return meterProvider.get(Tollgate.SCOPE);
  }

  @Override
  public void record(LlmCall call) {
    Attributes common = metricAttributes(call);
    double seconds = (call.endNanos - call.startNanos) / 1e9;
    duration.record(seconds, common);
    if (call.firstChunkNanos != 0) {
      ttfc.record((call.firstChunkNanos - call.startNanos) / 1e9, common);
    }
    if (call.inputTokens >= 0) {
      tokens.record(
          call.inputTokens, common.toBuilder().put(GenAi.TOKEN_TYPE, GenAi.TOKEN_TYPE_INPUT).build());
    }
    if (call.outputTokens >= 0) {
      tokens.record(
          call.outputTokens,
          common.toBuilder().put(GenAi.TOKEN_TYPE, GenAi.TOKEN_TYPE_OUTPUT).build());
    }
    if (call.parseFailed) {
      parseFailures.add(1, common);
    }
    recordSpan(call);
  }

  private void recordSpan(LlmCall call) {
    String model = call.requestModel != null ? call.requestModel : call.route.pathModel;
    String name = model == null ? call.route.operation : call.route.operation + " " + model;
    // The span is created after the fact with explicit timestamps: nothing is allocated on the
    // application's path while the call is in flight, and no context is made current, so the
    // application's own tracing is unaffected.
    long nowNanos = System.nanoTime();
    long epochNowNanos = epochNanos();
    long startEpoch = epochNowNanos - (nowNanos - call.startNanos);
    long endEpoch = epochNowNanos - (nowNanos - call.endNanos);
    Span span =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.CLIENT)
            .setNoParent()
            .setStartTimestamp(startEpoch, TimeUnit.NANOSECONDS)
            .setAllAttributes(spanAttributes(call))
            .startSpan();
    if (call.errorType != null) {
      span.setStatus(StatusCode.ERROR, call.errorCode == null ? call.errorType : call.errorCode);
    }
    span.end(endEpoch, TimeUnit.NANOSECONDS);
  }

  static Attributes metricAttributes(LlmCall call) {
    AttributesBuilder b =
        Attributes.builder()
            .put(GenAi.OPERATION_NAME, call.route.operation)
            .put(GenAi.PROVIDER_NAME, call.route.provider.semconvName);
    putIfNotNull(b, GenAi.REQUEST_MODEL, requestModel(call));
    putIfNotNull(b, GenAi.RESPONSE_MODEL, call.responseModel);
    putIfNotNull(b, GenAi.SERVER_ADDRESS, call.serverAddress);
    if (call.serverAddress != null && call.serverPort > 0) {
      b.put(GenAi.SERVER_PORT, (long) call.serverPort);
    }
    putIfNotNull(b, GenAi.ERROR_TYPE, call.errorType);
    putIfNotNull(b, Tollgate.ENDPOINT_NAME, call.route.endpointName);
    return b.build();
  }

  static Attributes spanAttributes(LlmCall call) {
    AttributesBuilder b = metricAttributes(call).toBuilder();
    b.put(GenAi.REQUEST_STREAM, call.stream);
    b.put(Tollgate.CLIENT, call.client);
    b.put(Tollgate.ATTEMPT, (long) call.attempt);
    if (call.httpStatus > 0) {
      b.put(GenAi.HTTP_RESPONSE_STATUS_CODE, (long) call.httpStatus);
    }
    putIfKnown(b, GenAi.REQUEST_MAX_TOKENS, call.requestMaxTokens);
    putIfNotNull(b, GenAi.RESPONSE_ID, call.responseId);
    if (call.finishReason != null) {
      b.put(
          io.opentelemetry.api.common.AttributeKey.stringArrayKey(GenAi.RESPONSE_FINISH_REASONS),
          List.of(call.finishReason));
    }
    putIfKnown(b, GenAi.USAGE_INPUT_TOKENS, call.inputTokens);
    putIfKnown(b, GenAi.USAGE_OUTPUT_TOKENS, call.outputTokens);
    putIfKnown(b, GenAi.USAGE_CACHE_READ_INPUT_TOKENS, call.cacheReadTokens);
    putIfKnown(b, GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS, call.cacheWriteTokens);
    putIfKnown(b, GenAi.USAGE_REASONING_OUTPUT_TOKENS, call.reasoningTokens);
    putIfKnown(b, Tollgate.TOTAL_TOKENS, call.totalTokens);
    if (call.firstChunkNanos != 0) {
      b.put(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK, (call.firstChunkNanos - call.startNanos) / 1e9);
    }
    if (call.unmetered() && call.errorType == null) {
      b.put(Tollgate.UNMETERED, true);
    }
    if (call.usageInjected) {
      b.put(Tollgate.USAGE_INJECTED, true);
    }
    if (call.stream) {
      b.put(Tollgate.STREAM_COMPLETE, call.complete);
    }
    if (call.parseFailed) {
      b.put(Tollgate.PARSE_FAILED, true);
    }
    putIfNotNull(b, Tollgate.ERROR_MESSAGE_CODE, call.errorCode);
    putIfNotNull(b, Tollgate.REJECTED_BY, call.rejectedBy);
    if (call.controllerWaitNanos > 0) {
      b.put(Tollgate.WAIT_SECONDS, call.controllerWaitNanos / 1e9);
    }
    if (call.retriedByController) {
      b.put(Tollgate.RETRIED, true);
    }
    putIfNotNull(b, Tollgate.DIFY_PRICE, call.difyTotalPrice);
    putIfNotNull(b, Tollgate.DIFY_CURRENCY, call.difyCurrency);
    putIfNotNull(b, Tollgate.DIFY_APP, call.difyAppId);
    if (!Double.isNaN(call.difyLatencySeconds)) {
      b.put(Tollgate.DIFY_LATENCY, call.difyLatencySeconds);
    }
    putIfKnown(b, Tollgate.RATELIMIT_REMAINING_REQUESTS, call.rateLimitRemainingRequests);
    putIfKnown(b, Tollgate.RATELIMIT_REMAINING_TOKENS, call.rateLimitRemainingTokens);
    if (!Double.isNaN(call.rateLimitResetRequestsSeconds)) {
      b.put(Tollgate.RATELIMIT_RESET_REQUESTS, call.rateLimitResetRequestsSeconds);
    }
    if (!Double.isNaN(call.rateLimitResetTokensSeconds)) {
      b.put(Tollgate.RATELIMIT_RESET_TOKENS, call.rateLimitResetTokensSeconds);
    }
    if (!Double.isNaN(call.retryAfterSeconds)) {
      b.put(Tollgate.RETRY_AFTER, call.retryAfterSeconds);
    }
    return b.build();
  }

  private static String requestModel(LlmCall call) {
    return call.requestModel != null ? call.requestModel : call.route.pathModel;
  }

  private static void putIfNotNull(AttributesBuilder b, String key, String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }

  private static void putIfKnown(AttributesBuilder b, String key, long value) {
    if (value >= 0) {
      b.put(key, value);
    }
  }

  private static long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  private static List<Double> boxed(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return Arrays.asList(out);
  }

  private static List<Long> boxedLong(double[] values) {
    Long[] out = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (long) values[i];
    }
    return Arrays.asList(out);
  }

  @Override
  public void shutdown() {
    CompletableResultCode a = tracerProvider.shutdown();
    CompletableResultCode b = meterProvider.shutdown();
    CompletableResultCode.ofAll(List.of(a, b)).join(5, TimeUnit.SECONDS);
  }
}
