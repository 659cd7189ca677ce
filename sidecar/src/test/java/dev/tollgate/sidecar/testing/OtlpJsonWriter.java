package dev.tollgate.sidecar.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes OTLP/JSON the way the OTel SDKs' JSON exporters do (hex ids, int64 as strings, enums as
 * integers, lowerCamelCase), independently of the code under test.
 */
public final class OtlpJsonWriter {
  private static final ObjectMapper M = new ObjectMapper();

  private OtlpJsonWriter() {}

  public static String traces(ExportTraceServiceRequest req) {
    ObjectNode root = M.createObjectNode();
    ArrayNode rss = root.putArray("resourceSpans");
    for (ResourceSpans rs : req.getResourceSpansList()) {
      ObjectNode r = rss.addObject();
      attributes(r.putObject("resource"), rs.getResource().getAttributesList());
      ArrayNode sss = r.putArray("scopeSpans");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ObjectNode s = sss.addObject();
        s.putObject("scope").put("name", ss.getScope().getName()).put("version", ss.getScope().getVersion());
        ArrayNode spans = s.putArray("spans");
        for (Span sp : ss.getSpansList()) {
          ObjectNode o = spans.addObject();
          o.put("traceId", HexFormat.of().formatHex(sp.getTraceId().toByteArray()));
          o.put("spanId", HexFormat.of().formatHex(sp.getSpanId().toByteArray()));
          o.put("parentSpanId", HexFormat.of().formatHex(sp.getParentSpanId().toByteArray()));
          o.put("name", sp.getName());
          o.put("kind", sp.getKindValue());
          o.put("startTimeUnixNano", Long.toUnsignedString(sp.getStartTimeUnixNano()));
          o.put("endTimeUnixNano", Long.toUnsignedString(sp.getEndTimeUnixNano()));
          attributes(o, sp.getAttributesList());
          o.putObject("status").put("code", sp.getStatus().getCodeValue()).put("message", sp.getStatus().getMessage());
          o.putArray("events"); // ignored by the reader
        }
      }
    }
    return root.toString();
  }

  public static String metrics(ExportMetricsServiceRequest req) {
    ObjectNode root = M.createObjectNode();
    ArrayNode rms = root.putArray("resourceMetrics");
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      ObjectNode r = rms.addObject();
      attributes(r.putObject("resource"), rm.getResource().getAttributesList());
      ArrayNode sms = r.putArray("scopeMetrics");
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        ObjectNode s = sms.addObject();
        s.putObject("scope").put("name", sm.getScope().getName()).put("version", sm.getScope().getVersion());
        ArrayNode metrics = s.putArray("metrics");
        for (Metric m : sm.getMetricsList()) {
          ObjectNode o = metrics.addObject();
          o.put("name", m.getName());
          o.put("unit", m.getUnit());
          if (m.hasGauge()) {
            points(o.putObject("gauge").putArray("dataPoints"), m.getGauge().getDataPointsList());
          } else if (m.hasSum()) {
            ObjectNode sum = o.putObject("sum");
            points(sum.putArray("dataPoints"), m.getSum().getDataPointsList());
            sum.put("aggregationTemporality", m.getSum().getAggregationTemporalityValue());
            sum.put("isMonotonic", m.getSum().getIsMonotonic());
          }
        }
      }
    }
    return root.toString();
  }

  private static void points(ArrayNode out, List<NumberDataPoint> points) {
    for (NumberDataPoint p : points) {
      ObjectNode o = out.addObject();
      attributes(o, p.getAttributesList());
      o.put("startTimeUnixNano", Long.toUnsignedString(p.getStartTimeUnixNano()));
      o.put("timeUnixNano", Long.toUnsignedString(p.getTimeUnixNano()));
      if (p.getValueCase() == NumberDataPoint.ValueCase.AS_DOUBLE) {
        o.put("asDouble", p.getAsDouble());
      } else if (p.getValueCase() == NumberDataPoint.ValueCase.AS_INT) {
        o.put("asInt", Long.toString(p.getAsInt()));
      }
    }
  }

  private static void attributes(ObjectNode parent, List<KeyValue> kvs) {
    ArrayNode a = parent.putArray("attributes");
    for (KeyValue kv : kvs) {
      ObjectNode o = a.addObject();
      o.put("key", kv.getKey());
      value(o.putObject("value"), kv.getValue());
    }
  }

  private static void value(ObjectNode o, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> o.put("stringValue", v.getStringValue());
      case INT_VALUE -> o.put("intValue", Long.toString(v.getIntValue()));
      case DOUBLE_VALUE -> o.put("doubleValue", v.getDoubleValue());
      case BOOL_VALUE -> o.put("boolValue", v.getBoolValue());
      case ARRAY_VALUE -> {
        ArrayNode values = o.putObject("arrayValue").putArray("values");
        v.getArrayValue().getValuesList().forEach(x -> value(values.addObject(), x));
      }
      default -> {}
    }
  }
}
