package dev.tollgate.observability;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the agents of a small fleet would send the sidecar each second, as OTLP protobuf: spans with
 * the attributes of docs/sidecar.md (GenAI conventions plus tollgate.*) for several services,
 * providers and models, with streams and their time to first chunk, token kinds, errors (429, 5xx,
 * timeouts), retries, controller rejections, unmetered and unpriced calls and Dify prices; and the
 * controller's gauges and its counters: breaker transitions, retries by reason (one per retried
 * attempt in the spans) and calls that waited for a limiter. The counters are cumulative, as the
 * OTel SDK sends them by default, except support-bot's, which go as deltas (an SDK configured for
 * delta temporality). Seeded, so every run sends the same mix.
 */
final class OtlpTraffic {
  /** One kind of call a service makes. */
  record Route(
      String service,
      String provider,
      String operation,
      String model,
      String endpoint,
      String difyApp,
      double streamShare,
      double minSeconds,
      double maxSeconds,
      int perRound,
      String[] errorTypes,
      double errorShare,
      String difyPrice,
      String difyCurrency,
      boolean reasoning,
      boolean cache) {}

  static final String[] UPSTREAM = {"429", "429", "500", "503", "timeout", "connect_error", "stream_error_event"};

  static final List<Route> ROUTES =
      List.of(
          new Route("checkout", "openai", "chat", "gpt-4o", "openai-main", null, 0.5, 0.4, 4.5, 8, UPSTREAM, 0.12, null, null, false, true),
          new Route("checkout", "anthropic", "chat", "claude-sonnet-4-5", "anthropic", null, 0.7, 0.8, 6.0, 5, new String[] {"429", "529", "timeout"}, 0.1, null, null, false, true),
          new Route("search", "openai", "embeddings", "text-embedding-3-small", "openai-main", null, 0.0, 0.05, 0.4, 10, new String[] {"429", "500"}, 0.04, null, null, false, false),
          new Route("search", "deepseek", "chat", "deepseek-reasoner", "deepseek", null, 0.6, 1.0, 9.0, 4, new String[] {"timeout", "503", "429"}, 0.15, null, null, true, true),
          new Route("support-bot", "dify", "chat", "gpt-4o-mini", "dify", "support-assistant", 1.0, 1.5, 8.0, 6, new String[] {"429", "504", "stream_truncated"}, 0.1, "0.004120", "USD", false, false),
          new Route("support-bot", "dify", "invoke_workflow", "gpt-4o-mini", "dify", "ticket-triage", 0.0, 2.0, 12.0, 3, new String[] {"500", "timeout"}, 0.1, "0.0213", "RMB", false, false),
          new Route("batch-report", "acme", "chat", "acme-llm-1", "acme", null, 0.0, 0.3, 2.0, 3, new String[] {"500"}, 0.05, null, null, false, false));

  /** Limiters as the agent's controller names them (tollgate.controller.rejected_by). */
  static final String[][] REJECTIONS = {
    {"checkout", "openai", "chat", "gpt-4o", "openai-main", "concurrency"},
    {"checkout", "openai", "chat", "gpt-4o", "openai-main", "requests"},
    {"search", "deepseek", "chat", "deepseek-reasoner", "deepseek", "tokens"},
    {"support-bot", "dify", "chat", "gpt-4o-mini", "dify", "circuit_breaker"},
  };

  /** Limiters a call waited for (tollgate.controller.waits{tollgate.limiter}), per service and endpoint. */
  static final String[][] WAITS = {
    {"checkout", "openai-main", "concurrency"},
    {"checkout", "openai-main", "requests"},
    {"search", "deepseek", "tokens"},
    {"search", "deepseek", "concurrency"},
    {"support-bot", "dify", "concurrency"},
    {"support-bot", "dify", "circuit_breaker"},
  };

  /** Services whose counters are sent with delta temporality. */
  static final List<String> DELTA_SERVICES = List.of("support-bot");

  private final Random random = new Random(20260801L);
  private final long startNanos;
  private long spanIds = 1;
  /** Cumulative breaker transitions per "service|endpoint|to_state". */
  private final Map<String, Long> transitions = new LinkedHashMap<>();
  /**
   * Cumulative retries per "service|endpoint|reason", counted from the retried spans (sent only by
   * the services that report controller metrics; batch-report does not).
   */
  private final Map<String, Long> retries = new LinkedHashMap<>();
  /** Cumulative waits per "service|endpoint|limiter". */
  private final Map<String, Long> waits = new LinkedHashMap<>();
  /** What was last sent per counter and key, for the deltas of {@link #DELTA_SERVICES}. */
  private final Map<String, Long> lastSent = new LinkedHashMap<>();

  OtlpTraffic(long startNanos) {
    this.startNanos = startNanos;
  }

  // -------------------------------------------------------------------------------------------
  // Spans.

  ExportTraceServiceRequest traces(int round, long nowNanos) {
    Map<String, List<Span>> byService = new LinkedHashMap<>();
    for (Route r : ROUTES) {
      List<Span> spans = byService.computeIfAbsent(r.service(), s -> new ArrayList<>());
      for (int i = 0; i < r.perRound(); i++) {
        boolean stream = random.nextDouble() < r.streamShare();
        String error = random.nextDouble() < r.errorShare() ? r.errorTypes()[random.nextInt(r.errorTypes().length)] : null;
        spans.add(call(r, nowNanos, stream, error, 1, false));
        if (error != null && !error.equals("stream_truncated")) {
          // The controller retried; the second attempt went through. The agent counts the retry
          // under the failure's reason (its labels are the error types: 429, 503, timeout, ...).
          spans.add(call(r, nowNanos, stream, null, 2, false));
          retries.merge(r.service() + "|" + r.endpoint() + "|" + error, 1L, Long::sum);
        }
      }
      if (r.streamShare() > 0 && round % 3 == 0) {
        // A stream that ended without its usage chunk: a success with unknown tokens.
        spans.add(call(r, nowNanos, true, null, 1, true));
      }
    }
    for (String[] rej : REJECTIONS) {
      if (random.nextInt(3) == 0 || round < 3) {
        byService.get(rej[0]).add(rejected(rej, nowNanos));
      }
    }
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (Map.Entry<String, List<Span>> e : byService.entrySet()) {
      req.addResourceSpans(
          ResourceSpans.newBuilder()
              .setResource(resource(e.getKey()))
              .addScopeSpans(ScopeSpans.newBuilder().setScope(scope()).addAllSpans(e.getValue())));
    }
    return req.build();
  }

  private Span call(Route r, long nowNanos, boolean stream, String error, int attempt, boolean unmetered) {
    double seconds = r.minSeconds() + (r.maxSeconds() - r.minSeconds()) * Math.pow(random.nextDouble(), 2.2);
    if ("timeout".equals(error)) {
      seconds = r.maxSeconds() * 1.5;
    } else if ("429".equals(error) || "connect_error".equals(error)) {
      seconds = 0.05 + random.nextDouble() * 0.2;
    }
    long end = nowNanos - (long) (random.nextDouble() * 5e8);
    long start = end - (long) (seconds * 1e9);
    Span.Builder s = span(r.operation() + " " + (r.model() == null ? r.difyApp() : r.model()), start, end);
    s.addAttributes(str("gen_ai.operation.name", r.operation()));
    s.addAttributes(str("gen_ai.provider.name", r.provider()));
    if (r.provider().equals("dify")) {
      // Dify's answer names no model; the agent reports the app. The model is the app's, from config.
      s.addAttributes(str("gen_ai.response.model", r.model()));
    } else {
      s.addAttributes(str("gen_ai.request.model", r.model()));
      s.addAttributes(str("gen_ai.response.model", r.model()));
    }
    s.addAttributes(str("tollgate.endpoint.name", r.endpoint()));
    s.addAttributes(str("server.address", r.endpoint() + ".example.test"));
    s.addAttributes(integer("server.port", 443));
    s.addAttributes(bool("gen_ai.request.stream", stream));
    s.addAttributes(integer("tollgate.attempt", attempt));
    s.addAttributes(str("tollgate.client", "java.net.http"));
    if (r.difyApp() != null) {
      s.addAttributes(str("tollgate.dify.app", r.difyApp()));
    }
    if (error != null) {
      s.addAttributes(str("error.type", error));
      if (error.matches("\\d{3}")) {
        s.addAttributes(integer("http.response.status_code", Integer.parseInt(error)));
        if (error.equals("429")) {
          s.addAttributes(dbl("tollgate.retry_after_seconds", 1 + random.nextInt(5)));
        }
      }
      s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(error));
      return s.build();
    }
    s.addAttributes(integer("http.response.status_code", 200));
    if (stream) {
      double ttft = Math.min(seconds * 0.9, 0.15 + random.nextDouble() * Math.min(2.5, seconds * 0.5));
      s.addAttributes(dbl("gen_ai.response.time_to_first_chunk", ttft));
      s.addAttributes(bool("tollgate.stream.complete", !unmetered));
    }
    if (unmetered) {
      s.addAttributes(bool("tollgate.usage.unmetered", true));
      return s.build();
    }
    long input = 200 + random.nextInt(3000);
    s.addAttributes(integer("gen_ai.usage.input_tokens", input));
    if (!r.operation().equals("embeddings")) {
      long output = 20 + random.nextInt(800);
      s.addAttributes(integer("gen_ai.usage.output_tokens", output));
      if (r.reasoning()) {
        s.addAttributes(integer("gen_ai.usage.reasoning.output_tokens", output / 2));
      }
    }
    if (r.cache()) {
      s.addAttributes(integer("gen_ai.usage.cache_read.input_tokens", input / 2));
      s.addAttributes(integer("gen_ai.usage.cache_creation.input_tokens", input / 10));
    }
    if (r.difyPrice() != null) {
      s.addAttributes(str("tollgate.dify.total_price", r.difyPrice()));
      s.addAttributes(str("tollgate.dify.currency", r.difyCurrency()));
      s.addAttributes(dbl("tollgate.dify.latency", seconds * 0.95));
    }
    return s.build();
  }

  private Span rejected(String[] rej, long nowNanos) {
    long end = nowNanos - (long) (random.nextDouble() * 5e8);
    long start = end - (long) (random.nextDouble() * 2e8);
    Span.Builder s = span(rej[2] + " " + rej[3], start, end);
    s.addAttributes(str("gen_ai.operation.name", rej[2]));
    s.addAttributes(str("gen_ai.provider.name", rej[1]));
    s.addAttributes(str("gen_ai.request.model", rej[3]));
    s.addAttributes(str("tollgate.endpoint.name", rej[4]));
    s.addAttributes(integer("tollgate.attempt", 1));
    s.addAttributes(str("tollgate.controller.rejected_by", rej[5]));
    s.addAttributes(dbl("tollgate.controller.wait_seconds", random.nextDouble()));
    s.addAttributes(str("error.type", "rejected"));
    s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("rejected by " + rej[5]));
    return s.build();
  }

  private Span.Builder span(String name, long start, long end) {
    long id = spanIds++;
    byte[] trace = new byte[16];
    random.nextBytes(trace);
    byte[] spanId = new byte[8];
    for (int i = 0; i < 8; i++) {
      spanId[7 - i] = (byte) (id >>> (8 * i));
    }
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(spanId))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(end);
  }

  // -------------------------------------------------------------------------------------------
  // Controller metrics.

  ExportMetricsServiceRequest metrics(int round, long nowNanos) {
    for (String[] w : WAITS) {
      // A few waits a second; at least one in the first rounds so every limiter has a series.
      waits.merge(w[0] + "|" + w[1] + "|" + w[2], (long) (round < 3 ? 1 : random.nextInt(6)), Long::sum);
    }
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    req.addResourceMetrics(controller("checkout", nowNanos, round,
        new Endpoint("openai-main", 64, 30 + random.nextInt(34), random.nextInt(3) == 0 ? random.nextInt(200) : 0, 0),
        new Endpoint("anthropic", 32, 10 + random.nextInt(22), 0, 0)));
    req.addResourceMetrics(controller("search", nowNanos, round,
        new Endpoint("openai-main", 128, 5 + random.nextInt(40), 0, 0),
        // deepseek trips its breaker for a while, probes, and closes again.
        new Endpoint("deepseek", 16, 16, 40 + random.nextInt(400), breaker(round, 6, 12))));
    req.addResourceMetrics(controller("support-bot", nowNanos, round,
        // An adaptive limit finding Dify's knee: it moves between 40 and 60.
        new Endpoint("dify", 40 + (round * 7) % 21, 40, 1000 + random.nextInt(4000), breaker(round, 14, 20))));
    return req.build();
  }

  record Endpoint(String name, long limit, long inFlight, long queue, int breaker) {}

  /** Breaker state: open from round {@code open}, half-open for two rounds before {@code close}. */
  private static int breaker(int round, int open, int close) {
    if (round >= open && round < close - 2) {
      return 1;
    }
    if (round >= close - 2 && round < close) {
      return 2;
    }
    return 0;
  }

  private ResourceMetrics controller(String service, long nowNanos, int round, Endpoint... endpoints) {
    List<NumberDataPoint> queue = new ArrayList<>();
    List<NumberDataPoint> inFlight = new ArrayList<>();
    List<NumberDataPoint> limit = new ArrayList<>();
    List<NumberDataPoint> state = new ArrayList<>();
    List<NumberDataPoint> moves = new ArrayList<>();
    for (Endpoint e : endpoints) {
      queue.add(point(nowNanos, e.queue(), str("tollgate.endpoint.name", e.name())));
      inFlight.add(point(nowNanos, e.inFlight(), str("tollgate.endpoint.name", e.name())));
      limit.add(point(nowNanos, e.limit(), str("tollgate.endpoint.name", e.name())));
      state.add(point(nowNanos, e.breaker(), str("tollgate.endpoint.name", e.name())));
      String key = service + "|" + e.name() + "|";
      int previous = previousState.getOrDefault(service + "|" + e.name(), 0);
      if (previous != e.breaker()) {
        String to = e.breaker() == 1 ? "open" : e.breaker() == 2 ? "half_open" : "closed";
        transitions.merge(key + to, 1L, Long::sum);
      }
      previousState.put(service + "|" + e.name(), e.breaker());
      for (String to : List.of("open", "half_open", "closed")) {
        long n = transitions.getOrDefault(key + to, 0L);
        moves.add(
            NumberDataPoint.newBuilder()
                .setStartTimeUnixNano(startNanos)
                .setTimeUnixNano(nowNanos)
                .setAsInt(n)
                .addAttributes(str("tollgate.endpoint.name", e.name()))
                .addAttributes(str("tollgate.breaker.to_state", to))
                .build());
      }
    }
    return ResourceMetrics.newBuilder()
        .setResource(resource(service))
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .setScope(scope())
                .addMetrics(gauge("tollgate.controller.queue_depth", queue))
                .addMetrics(gauge("tollgate.controller.in_flight", inFlight))
                .addMetrics(gauge("tollgate.controller.concurrency_limit", limit))
                .addMetrics(gauge("tollgate.breaker.state", state))
                .addMetrics(
                    Metric.newBuilder()
                        .setName("tollgate.breaker.transitions")
                        .setSum(
                            Sum.newBuilder()
                                .setIsMonotonic(true)
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                .addAllDataPoints(moves)))
                .addMetrics(counter("tollgate.controller.retries", "tollgate.reason", service, retries, nowNanos))
                .addMetrics(counter("tollgate.controller.waits", "tollgate.limiter", service, waits, nowNanos)))
        .build();
  }

  /**
   * A monotonic Sum of the service's entries of {@code totals} ("service|endpoint|label" to a
   * cumulative count), one point per endpoint and label as the agent sends them (only counts above
   * zero). Cumulative, or the change since the last export for {@link #DELTA_SERVICES}.
   */
  private Metric counter(String name, String labelKey, String service, Map<String, Long> totals, long nowNanos) {
    boolean delta = DELTA_SERVICES.contains(service);
    List<NumberDataPoint> points = new ArrayList<>();
    for (Map.Entry<String, Long> e : totals.entrySet()) {
      String[] k = e.getKey().split("\\|", 3);
      if (!k[0].equals(service) || e.getValue() <= 0) {
        continue;
      }
      long value = e.getValue();
      if (delta) {
        Long previous = lastSent.put(name + "|" + e.getKey(), value);
        value -= previous == null ? 0 : previous;
      }
      points.add(
          NumberDataPoint.newBuilder()
              .setStartTimeUnixNano(startNanos)
              .setTimeUnixNano(nowNanos)
              .setAsInt(value)
              .addAttributes(str("tollgate.endpoint.name", k[1]))
              .addAttributes(str(labelKey, k[2]))
              .build());
    }
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    delta
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addAllDataPoints(points))
        .build();
  }

  private final Map<String, Integer> previousState = new LinkedHashMap<>();

  private static Metric gauge(String name, List<NumberDataPoint> points) {
    return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addAllDataPoints(points)).build();
  }

  private static NumberDataPoint point(long nowNanos, long value, KeyValue attribute) {
    return NumberDataPoint.newBuilder().setTimeUnixNano(nowNanos).setAsInt(value).addAttributes(attribute).build();
  }

  // -------------------------------------------------------------------------------------------

  private static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(str("service.name", service))
        .addAttributes(str("service.instance.id", service + "-1"))
        .addAttributes(str("telemetry.sdk.language", "java"))
        .build();
  }

  private static InstrumentationScope scope() {
    return InstrumentationScope.newBuilder().setName("dev.tollgate.agent").setVersion("0.1.0-SNAPSHOT").build();
  }

  private static KeyValue str(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue integer(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  private static KeyValue dbl(String k, double v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setDoubleValue(v)).build();
  }

  private static KeyValue bool(String k, boolean v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
  }
}
