package dev.tollgate.sidecar.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
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
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads OTLP/JSON into the protobuf messages, so that one mapper serves both encodings.
 *
 * <p>OTLP/JSON is not protobuf's canonical JSON: trace and span ids are hex (not base64), enums
 * are integers (names are accepted too), 64-bit integers may be strings or numbers, and field
 * names are lowerCamelCase (snake_case is accepted as well). Unknown fields are ignored, as the
 * OTLP specification requires; what is read is type-checked, and a mismatch is a {@link
 * BadPayloadException} naming the field. Only the parts the sidecar uses are carried over (span
 * events, links and histogram points are dropped).
 */
public final class OtlpJson {
  private static final int MAX_VALUE_DEPTH = 16;

  private final ObjectMapper mapper;

  public OtlpJson() {
    JsonMapper m = new JsonMapper();
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(400).build());
    this.mapper = m;
  }

  public ExportTraceServiceRequest traces(byte[] body) throws BadPayloadException {
    JsonNode root = parse(body);
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (JsonNode rs : array(root, "resourceSpans", "resource_spans")) {
      requireObject(rs, "resourceSpans[]");
      ResourceSpans.Builder b = ResourceSpans.newBuilder();
      b.setResource(resource(rs));
      for (JsonNode ss : array(rs, "scopeSpans", "scope_spans")) {
        requireObject(ss, "scopeSpans[]");
        ScopeSpans.Builder sb = ScopeSpans.newBuilder();
        sb.setScope(scope(ss));
        for (JsonNode span : array(ss, "spans", "spans")) {
          sb.addSpans(span(span));
        }
        b.addScopeSpans(sb);
      }
      req.addResourceSpans(b);
    }
    return req.build();
  }

  public ExportMetricsServiceRequest metrics(byte[] body) throws BadPayloadException {
    JsonNode root = parse(body);
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (JsonNode rm : array(root, "resourceMetrics", "resource_metrics")) {
      requireObject(rm, "resourceMetrics[]");
      ResourceMetrics.Builder b = ResourceMetrics.newBuilder();
      b.setResource(resource(rm));
      for (JsonNode sm : array(rm, "scopeMetrics", "scope_metrics")) {
        requireObject(sm, "scopeMetrics[]");
        ScopeMetrics.Builder sb = ScopeMetrics.newBuilder();
        sb.setScope(scope(sm));
        for (JsonNode metric : array(sm, "metrics", "metrics")) {
          sb.addMetrics(metric(metric));
        }
        b.addScopeMetrics(sb);
      }
      req.addResourceMetrics(b);
    }
    return req.build();
  }

  private JsonNode parse(byte[] body) throws BadPayloadException {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadPayloadException("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw new BadPayloadException("invalid JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new BadPayloadException("empty JSON body");
    }
    if (!root.isObject()) {
      throw new BadPayloadException("JSON body must be an object");
    }
    return root;
  }

  private static Resource resource(JsonNode parent) throws BadPayloadException {
    JsonNode r = field(parent, "resource", "resource");
    Resource.Builder b = Resource.newBuilder();
    if (r != null) {
      requireObject(r, "resource");
      attributes(r, b::addAttributes);
    }
    return b.build();
  }

  private static InstrumentationScope scope(JsonNode parent) throws BadPayloadException {
    JsonNode s = field(parent, "scope", "scope");
    InstrumentationScope.Builder b = InstrumentationScope.newBuilder();
    if (s != null) {
      requireObject(s, "scope");
      b.setName(text(s, "name", "name"));
      b.setVersion(text(s, "version", "version"));
    }
    return b.build();
  }

  private static Span span(JsonNode n) throws BadPayloadException {
    requireObject(n, "spans[]");
    Span.Builder b = Span.newBuilder();
    b.setTraceId(hex(n, "traceId", "trace_id", 16));
    b.setSpanId(hex(n, "spanId", "span_id", 8));
    b.setParentSpanId(hex(n, "parentSpanId", "parent_span_id", 8));
    b.setName(text(n, "name", "name"));
    b.setKindValue((int) enumValue(field(n, "kind", "kind"), "kind", "SPAN_KIND_"));
    b.setStartTimeUnixNano(uint64(n, "startTimeUnixNano", "start_time_unix_nano"));
    b.setEndTimeUnixNano(uint64(n, "endTimeUnixNano", "end_time_unix_nano"));
    attributes(n, b::addAttributes);
    JsonNode status = field(n, "status", "status");
    if (status != null) {
      requireObject(status, "status");
      Status st =
          Status.newBuilder()
              .setCodeValue(
                  (int) enumValue(field(status, "code", "code"), "status.code", "STATUS_CODE_"))
              .setMessage(text(status, "message", "message"))
              .build();
      if (!st.equals(Status.getDefaultInstance())) {
        b.setStatus(st);
      }
    }
    return b.build();
  }

  private static Metric metric(JsonNode n) throws BadPayloadException {
    requireObject(n, "metrics[]");
    Metric.Builder b = Metric.newBuilder();
    b.setName(text(n, "name", "name"));
    b.setUnit(text(n, "unit", "unit"));
    JsonNode gauge = field(n, "gauge", "gauge");
    JsonNode sum = field(n, "sum", "sum");
    if (gauge != null) {
      requireObject(gauge, "gauge");
      Gauge.Builder g = Gauge.newBuilder();
      for (JsonNode p : array(gauge, "dataPoints", "data_points")) {
        g.addDataPoints(point(p));
      }
      b.setGauge(g);
    } else if (sum != null) {
      requireObject(sum, "sum");
      Sum.Builder s = Sum.newBuilder();
      for (JsonNode p : array(sum, "dataPoints", "data_points")) {
        s.addDataPoints(point(p));
      }
      s.setAggregationTemporalityValue(
          (int)
              enumValue(
                  field(sum, "aggregationTemporality", "aggregation_temporality"),
                  "aggregationTemporality",
                  "AGGREGATION_TEMPORALITY_"));
      JsonNode mono = field(sum, "isMonotonic", "is_monotonic");
      if (mono != null) {
        if (!mono.isBoolean()) {
          throw new BadPayloadException("isMonotonic: expected a boolean");
        }
        s.setIsMonotonic(mono.booleanValue());
      }
      b.setSum(s);
    }
    // Histograms and summaries are not used: call figures come from spans.
    return b.build();
  }

  private static NumberDataPoint point(JsonNode n) throws BadPayloadException {
    requireObject(n, "dataPoints[]");
    NumberDataPoint.Builder b = NumberDataPoint.newBuilder();
    attributes(n, b::addAttributes);
    b.setStartTimeUnixNano(uint64(n, "startTimeUnixNano", "start_time_unix_nano"));
    b.setTimeUnixNano(uint64(n, "timeUnixNano", "time_unix_nano"));
    JsonNode d = field(n, "asDouble", "as_double");
    JsonNode i = field(n, "asInt", "as_int");
    if (d != null) {
      b.setAsDouble(dbl(d, "asDouble"));
    } else if (i != null) {
      b.setAsInt(int64(i, "asInt"));
    }
    return b.build();
  }

  private interface AttributeSink {
    void add(KeyValue kv);
  }

  private static void attributes(JsonNode parent, AttributeSink sink) throws BadPayloadException {
    for (JsonNode kv : array(parent, "attributes", "attributes")) {
      sink.add(keyValue(kv, 0));
    }
  }

  private static KeyValue keyValue(JsonNode kv, int depth) throws BadPayloadException {
    requireObject(kv, "attributes[]");
    KeyValue.Builder b = KeyValue.newBuilder().setKey(text(kv, "key", "key"));
    JsonNode value = field(kv, "value", "value");
    if (value != null) {
      b.setValue(anyValue(value, depth));
    }
    return b.build();
  }

  private static AnyValue anyValue(JsonNode v, int depth) throws BadPayloadException {
    if (depth > MAX_VALUE_DEPTH) {
      throw new BadPayloadException("attribute value nested too deeply");
    }
    requireObject(v, "attribute value");
    AnyValue.Builder b = AnyValue.newBuilder();
    JsonNode x;
    if ((x = field(v, "stringValue", "string_value")) != null) {
      if (!x.isTextual()) {
        throw new BadPayloadException("stringValue: expected a string");
      }
      b.setStringValue(x.textValue());
    } else if ((x = field(v, "intValue", "int_value")) != null) {
      b.setIntValue(int64(x, "intValue"));
    } else if ((x = field(v, "doubleValue", "double_value")) != null) {
      b.setDoubleValue(dbl(x, "doubleValue"));
    } else if ((x = field(v, "boolValue", "bool_value")) != null) {
      if (!x.isBoolean()) {
        throw new BadPayloadException("boolValue: expected a boolean");
      }
      b.setBoolValue(x.booleanValue());
    } else if ((x = field(v, "arrayValue", "array_value")) != null) {
      requireObject(x, "arrayValue");
      ArrayValue.Builder a = ArrayValue.newBuilder();
      for (JsonNode e : array(x, "values", "values")) {
        a.addValues(anyValue(e, depth + 1));
      }
      b.setArrayValue(a);
    } else if ((x = field(v, "kvlistValue", "kvlist_value")) != null) {
      requireObject(x, "kvlistValue");
      KeyValueList.Builder l = KeyValueList.newBuilder();
      for (JsonNode e : array(x, "values", "values")) {
        l.addValues(keyValue(e, depth + 1));
      }
      b.setKvlistValue(l);
    } else if ((x = field(v, "bytesValue", "bytes_value")) != null) {
      if (!x.isTextual()) {
        throw new BadPayloadException("bytesValue: expected a base64 string");
      }
      try {
        b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(x.textValue())));
      } catch (IllegalArgumentException e) {
        throw new BadPayloadException("bytesValue: not base64");
      }
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Field helpers.

  private static JsonNode field(JsonNode parent, String camel, String snake) {
    JsonNode n = parent.get(camel);
    if (n == null && !camel.equals(snake)) {
      n = parent.get(snake);
    }
    return n == null || n.isNull() ? null : n;
  }

  private static Iterable<JsonNode> array(JsonNode parent, String camel, String snake)
      throws BadPayloadException {
    JsonNode n = field(parent, camel, snake);
    if (n == null) {
      return java.util.List.of();
    }
    if (!n.isArray()) {
      throw new BadPayloadException(camel + ": expected an array");
    }
    return n;
  }

  private static void requireObject(JsonNode n, String what) throws BadPayloadException {
    if (!n.isObject()) {
      throw new BadPayloadException(what + ": expected an object");
    }
  }

  private static String text(JsonNode parent, String camel, String snake)
      throws BadPayloadException {
    JsonNode n = field(parent, camel, snake);
    if (n == null) {
      return "";
    }
    if (!n.isTextual()) {
      throw new BadPayloadException(camel + ": expected a string");
    }
    return n.textValue();
  }

  private static ByteString hex(JsonNode parent, String camel, String snake, int bytes)
      throws BadPayloadException {
    String s = text(parent, camel, snake);
    if (s.isEmpty()) {
      return ByteString.EMPTY;
    }
    if (s.length() != bytes * 2) {
      throw new BadPayloadException(camel + ": expected " + bytes * 2 + " hex digits");
    }
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new BadPayloadException(camel + ": not hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return ByteString.copyFrom(out);
  }

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A fixed64/uint64: a JSON number or a decimal string. */
  private static long uint64(JsonNode parent, String camel, String snake)
      throws BadPayloadException {
    JsonNode n = field(parent, camel, snake);
    if (n == null) {
      return 0;
    }
    BigInteger v = integer(n, camel);
    if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
      throw new BadPayloadException(camel + ": out of range");
    }
    return v.longValue();
  }

  private static long int64(JsonNode n, String name) throws BadPayloadException {
    BigInteger v = integer(n, name);
    if (v.bitLength() > 63) {
      throw new BadPayloadException(name + ": out of range");
    }
    return v.longValue();
  }

  private static BigInteger integer(JsonNode n, String name) throws BadPayloadException {
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue();
    }
    if (n.isFloatingPointNumber() && Double.isFinite(n.doubleValue())) {
      return n.decimalValue().toBigInteger(); // some encoders write 1.7e18
    }
    if (n.isTextual()) {
      String s = n.textValue().trim();
      if (!s.isEmpty() && s.length() <= 24) {
        try {
          return new BigInteger(s);
        } catch (NumberFormatException e) {
          // fall through
        }
      }
    }
    throw new BadPayloadException(name + ": expected an integer");
  }

  private static double dbl(JsonNode n, String name) throws BadPayloadException {
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      // Protobuf JSON spells non-finite doubles as strings.
      switch (n.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          String s = n.textValue().trim();
          if (!s.isEmpty() && s.length() <= 32) {
            try {
              return Double.parseDouble(s);
            } catch (NumberFormatException e) {
              // fall through
            }
          }
      }
    }
    throw new BadPayloadException(name + ": expected a number");
  }

  /** An enum as an integer or as its name (with or without the prefix). */
  private static long enumValue(JsonNode n, String name, String prefix)
      throws BadPayloadException {
    if (n == null) {
      return 0;
    }
    if (n.isIntegralNumber() && n.canConvertToInt()) {
      int v = n.intValue();
      if (v >= 0) {
        return v;
      }
    }
    if (n.isTextual()) {
      String s = n.textValue().toUpperCase(Locale.ROOT);
      if (!s.startsWith(prefix)) {
        s = prefix + s;
      }
      switch (s) {
        case "SPAN_KIND_UNSPECIFIED", "STATUS_CODE_UNSET", "AGGREGATION_TEMPORALITY_UNSPECIFIED":
          return 0;
        case "SPAN_KIND_INTERNAL", "STATUS_CODE_OK", "AGGREGATION_TEMPORALITY_DELTA":
          return 1;
        case "SPAN_KIND_SERVER", "STATUS_CODE_ERROR", "AGGREGATION_TEMPORALITY_CUMULATIVE":
          return 2;
        case "SPAN_KIND_CLIENT":
          return 3;
        case "SPAN_KIND_PRODUCER":
          return 4;
        case "SPAN_KIND_CONSUMER":
          return 5;
        default:
          break;
      }
    }
    throw new BadPayloadException(name + ": expected an enum number");
  }
}
