package dev.tollgate.agent.core.telemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.config.AgentConfig;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Map<SeriesKey, Series> seriesCache = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_SERIES = 1024;

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
    Series series = series(call);
    double seconds = (call.endNanos - call.startNanos) / 1e9;
    duration.record(seconds, series.common);
    if (call.firstChunkNanos != 0) {
      ttfc.record((call.firstChunkNanos - call.startNanos) / 1e9, series.common);
    }
    if (call.inputTokens >= 0) {
      tokens.record(call.inputTokens, series.input);
    }
    if (call.outputTokens >= 0) {
      tokens.record(call.outputTokens, series.output);
    }
    if (call.parseFailed) {
      parseFailures.add(1, series.common);
    }
    recordSpan(call, series.common);
  }

  /**
   * The metric attributes of the call's series, built once per series: a service talks to a few
   * models on a few endpoints, and building and sorting attributes per call was most of the
   * recorder's work. Bounded: past {@link #MAX_CACHED_SERIES} series they are built per call.
   */
  private Series series(LlmCall call) {
    SeriesKey key = new SeriesKey(call);
    Series s = seriesCache.get(key);
    if (s == null) {
      s = new Series(metricAttributes(call));
      if (seriesCache.size() < MAX_CACHED_SERIES) {
        seriesCache.put(key, s);
      }
    }
    return s;
  }

  private void recordSpan(LlmCall call, Attributes common) {
    String model = call.requestModel != null ? call.requestModel : call.route.pathModel;
    String name = model == null ? call.route.operation : call.route.operation + " " + model;
    // The span is created after the fact with explicit timestamps: nothing is allocated on the
    // application's path while the call is in flight, and no context is made current, so the
    // application's own tracing is unaffected.
    long nowNanos = System.nanoTime();
    long epochNowNanos = epochNanos();
    long startEpoch = epochNowNanos - (nowNanos - call.startNanos);
    long endEpoch = epochNowNanos - (nowNanos - call.endNanos);
    SpanBuilder b =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.CLIENT)
            .setNoParent()
            .setStartTimestamp(startEpoch, TimeUnit.NANOSECONDS)
            .setAllAttributes(common);
    spanAttributes(call, b);
    Span span = b.startSpan();
    if (call.errorType != null) {
      span.setStatus(StatusCode.ERROR, call.errorCode == null ? call.errorType : call.errorCode);
    }
    span.end(endEpoch, TimeUnit.NANOSECONDS);
  }

  static Attributes metricAttributes(LlmCall call) {
    AttributesBuilder b =
        Attributes.builder()
            .put(Keys.OPERATION_NAME, call.route.operation)
            .put(Keys.PROVIDER_NAME, call.route.provider.semconvName);
    putIfNotEmpty(b, Keys.REQUEST_MODEL, requestModel(call));
    putIfNotEmpty(b, Keys.RESPONSE_MODEL, call.responseModel);
    putIfNotEmpty(b, Keys.SERVER_ADDRESS, call.serverAddress);
    if (call.serverAddress != null && call.serverPort > 0) {
      b.put(Keys.SERVER_PORT, (long) call.serverPort);
    }
    putIfNotEmpty(b, Keys.ERROR_TYPE, call.errorType);
    putIfNotEmpty(b, Keys.ENDPOINT_NAME, call.route.endpointName);
    return b.build();
  }

  /** The span's attributes beyond the metric ones, set straight on the span builder. */
  static void spanAttributes(LlmCall call, SpanBuilder b) {
    b.setAttribute(Keys.REQUEST_STREAM, call.stream);
    b.setAttribute(Keys.CLIENT, call.client);
    b.setAttribute(Keys.ATTEMPT, (long) call.attempt);
    if (call.httpStatus > 0) {
      b.setAttribute(Keys.HTTP_STATUS, (long) call.httpStatus);
    }
    setIfKnown(b, Keys.REQUEST_MAX_TOKENS, call.requestMaxTokens);
    setIfNotEmpty(b, Keys.RESPONSE_ID, call.responseId);
    if (call.finishReason != null) {
      b.setAttribute(Keys.FINISH_REASONS, List.of(call.finishReason));
    }
    setIfKnown(b, Keys.INPUT_TOKENS, call.inputTokens);
    setIfKnown(b, Keys.OUTPUT_TOKENS, call.outputTokens);
    setIfKnown(b, Keys.CACHE_READ_TOKENS, call.cacheReadTokens);
    setIfKnown(b, Keys.CACHE_CREATION_TOKENS, call.cacheWriteTokens);
    setIfKnown(b, Keys.REASONING_TOKENS, call.reasoningTokens);
    setIfKnown(b, Keys.TOTAL_TOKENS, call.totalTokens);
    if (call.firstChunkNanos != 0) {
      b.setAttribute(Keys.TIME_TO_FIRST_CHUNK, (call.firstChunkNanos - call.startNanos) / 1e9);
    }
    if (call.unmetered() && call.errorType == null) {
      b.setAttribute(Keys.UNMETERED, true);
    }
    if (call.usageInjected) {
      b.setAttribute(Keys.USAGE_INJECTED, true);
    }
    if (call.stream) {
      b.setAttribute(Keys.STREAM_COMPLETE, call.complete);
    }
    if (call.parseFailed) {
      b.setAttribute(Keys.PARSE_FAILED, true);
    }
    setIfNotEmpty(b, Keys.ERROR_MESSAGE_CODE, call.errorCode);
    setIfNotEmpty(b, Keys.REJECTED_BY, call.rejectedBy);
    if (call.controllerWaitNanos > 0) {
      b.setAttribute(Keys.WAIT_SECONDS, call.controllerWaitNanos / 1e9);
    }
    if (call.retriedByController) {
      b.setAttribute(Keys.RETRIED, true);
    }
    setIfNotEmpty(b, Keys.DIFY_PRICE, call.difyTotalPrice);
    setIfNotEmpty(b, Keys.DIFY_CURRENCY, call.difyCurrency);
    setIfNotEmpty(b, Keys.DIFY_APP, call.difyAppId);
    setIfNumber(b, Keys.DIFY_LATENCY, call.difyLatencySeconds);
    setIfKnown(b, Keys.RATELIMIT_REMAINING_REQUESTS, call.rateLimitRemainingRequests);
    setIfKnown(b, Keys.RATELIMIT_REMAINING_TOKENS, call.rateLimitRemainingTokens);
    setIfNumber(b, Keys.RATELIMIT_RESET_REQUESTS, call.rateLimitResetRequestsSeconds);
    setIfNumber(b, Keys.RATELIMIT_RESET_TOKENS, call.rateLimitResetTokensSeconds);
    setIfNumber(b, Keys.RETRY_AFTER, call.retryAfterSeconds);
  }

  private static String requestModel(LlmCall call) {
    return call.requestModel != null ? call.requestModel : call.route.pathModel;
  }

  private static void putIfNotEmpty(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }

  private static void setIfNotEmpty(SpanBuilder b, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      b.setAttribute(key, value);
    }
  }

  private static void setIfKnown(SpanBuilder b, AttributeKey<Long> key, long value) {
    if (value >= 0) {
      b.setAttribute(key, value);
    }
  }

  private static void setIfNumber(SpanBuilder b, AttributeKey<Double> key, double value) {
    if (!Double.isNaN(value)) {
      b.setAttribute(key, value);
    }
  }

  /** Attribute keys made once: a key made per call is an allocation and a hash per attribute. */
  private static final class Keys {
    static final AttributeKey<String> OPERATION_NAME = stringKey(GenAi.OPERATION_NAME);
    static final AttributeKey<String> PROVIDER_NAME = stringKey(GenAi.PROVIDER_NAME);
    static final AttributeKey<String> REQUEST_MODEL = stringKey(GenAi.REQUEST_MODEL);
    static final AttributeKey<String> RESPONSE_MODEL = stringKey(GenAi.RESPONSE_MODEL);
    static final AttributeKey<String> SERVER_ADDRESS = stringKey(GenAi.SERVER_ADDRESS);
    static final AttributeKey<Long> SERVER_PORT = longKey(GenAi.SERVER_PORT);
    static final AttributeKey<String> ERROR_TYPE = stringKey(GenAi.ERROR_TYPE);
    static final AttributeKey<String> ENDPOINT_NAME = stringKey(Tollgate.ENDPOINT_NAME);
    static final AttributeKey<String> TOKEN_TYPE = stringKey(GenAi.TOKEN_TYPE);
    static final AttributeKey<Boolean> REQUEST_STREAM = booleanKey(GenAi.REQUEST_STREAM);
    static final AttributeKey<String> CLIENT = stringKey(Tollgate.CLIENT);
    static final AttributeKey<Long> ATTEMPT = longKey(Tollgate.ATTEMPT);
    static final AttributeKey<Long> HTTP_STATUS = longKey(GenAi.HTTP_RESPONSE_STATUS_CODE);
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = longKey(GenAi.REQUEST_MAX_TOKENS);
    static final AttributeKey<String> RESPONSE_ID = stringKey(GenAi.RESPONSE_ID);
    static final AttributeKey<List<String>> FINISH_REASONS =
        AttributeKey.stringArrayKey(GenAi.RESPONSE_FINISH_REASONS);
    static final AttributeKey<Long> INPUT_TOKENS = longKey(GenAi.USAGE_INPUT_TOKENS);
    static final AttributeKey<Long> OUTPUT_TOKENS = longKey(GenAi.USAGE_OUTPUT_TOKENS);
    static final AttributeKey<Long> CACHE_READ_TOKENS = longKey(GenAi.USAGE_CACHE_READ_INPUT_TOKENS);
    static final AttributeKey<Long> CACHE_CREATION_TOKENS =
        longKey(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS);
    static final AttributeKey<Long> REASONING_TOKENS = longKey(GenAi.USAGE_REASONING_OUTPUT_TOKENS);
    static final AttributeKey<Long> TOTAL_TOKENS = longKey(Tollgate.TOTAL_TOKENS);
    static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
        doubleKey(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK);
    static final AttributeKey<Boolean> UNMETERED = booleanKey(Tollgate.UNMETERED);
    static final AttributeKey<Boolean> USAGE_INJECTED = booleanKey(Tollgate.USAGE_INJECTED);
    static final AttributeKey<Boolean> STREAM_COMPLETE = booleanKey(Tollgate.STREAM_COMPLETE);
    static final AttributeKey<Boolean> PARSE_FAILED = booleanKey(Tollgate.PARSE_FAILED);
    static final AttributeKey<String> ERROR_MESSAGE_CODE = stringKey(Tollgate.ERROR_MESSAGE_CODE);
    static final AttributeKey<String> REJECTED_BY = stringKey(Tollgate.REJECTED_BY);
    static final AttributeKey<Double> WAIT_SECONDS = doubleKey(Tollgate.WAIT_SECONDS);
    static final AttributeKey<Boolean> RETRIED = booleanKey(Tollgate.RETRIED);
    static final AttributeKey<String> DIFY_PRICE = stringKey(Tollgate.DIFY_PRICE);
    static final AttributeKey<String> DIFY_CURRENCY = stringKey(Tollgate.DIFY_CURRENCY);
    static final AttributeKey<String> DIFY_APP = stringKey(Tollgate.DIFY_APP);
    static final AttributeKey<Double> DIFY_LATENCY = doubleKey(Tollgate.DIFY_LATENCY);
    static final AttributeKey<Long> RATELIMIT_REMAINING_REQUESTS =
        longKey(Tollgate.RATELIMIT_REMAINING_REQUESTS);
    static final AttributeKey<Long> RATELIMIT_REMAINING_TOKENS =
        longKey(Tollgate.RATELIMIT_REMAINING_TOKENS);
    static final AttributeKey<Double> RATELIMIT_RESET_REQUESTS =
        doubleKey(Tollgate.RATELIMIT_RESET_REQUESTS);
    static final AttributeKey<Double> RATELIMIT_RESET_TOKENS =
        doubleKey(Tollgate.RATELIMIT_RESET_TOKENS);
    static final AttributeKey<Double> RETRY_AFTER = doubleKey(Tollgate.RETRY_AFTER);

    private Keys() {}
  }

  /** The metric attributes of one series, with the two token-type variants. */
  private static final class Series {
    final Attributes common;
    final Attributes input;
    final Attributes output;

    Series(Attributes common) {
      this.common = common;
      this.input = common.toBuilder().put(Keys.TOKEN_TYPE, GenAi.TOKEN_TYPE_INPUT).build();
      this.output = common.toBuilder().put(Keys.TOKEN_TYPE, GenAi.TOKEN_TYPE_OUTPUT).build();
    }
  }

  /** What the metric attributes are made of (see {@link #metricAttributes}). */
  private static final class SeriesKey {
    private final String operation;
    private final String provider;
    private final String requestModel;
    private final String responseModel;
    private final String serverAddress;
    private final int serverPort;
    private final String errorType;
    private final String endpointName;
    private final int hash;

    SeriesKey(LlmCall call) {
      this.operation = call.route.operation;
      this.provider = call.route.provider.semconvName;
      this.requestModel = requestModel(call);
      this.responseModel = call.responseModel;
      this.serverAddress = call.serverAddress;
      this.serverPort = call.serverPort;
      this.errorType = call.errorType;
      this.endpointName = call.route.endpointName;
      this.hash =
          Objects.hash(
              operation, provider, requestModel, responseModel, serverAddress, serverPort, errorType, endpointName);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof SeriesKey)) {
        return false;
      }
      SeriesKey k = (SeriesKey) o;
      return hash == k.hash
          && serverPort == k.serverPort
          && Objects.equals(operation, k.operation)
          && Objects.equals(provider, k.provider)
          && Objects.equals(requestModel, k.requestModel)
          && Objects.equals(responseModel, k.responseModel)
          && Objects.equals(serverAddress, k.serverAddress)
          && Objects.equals(errorType, k.errorType)
          && Objects.equals(endpointName, k.endpointName);
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
