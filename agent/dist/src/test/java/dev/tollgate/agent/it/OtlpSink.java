package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An OTLP/HTTP receiver (WireMock) and a decoder for what the agent sent it. */
final class OtlpSink implements AutoCloseable {
  final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  OtlpSink() {
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Spans with their resource's service name, in start order. */
  List<ExportedSpan> spans() {
    List<ExportedSpan> out = new ArrayList<>();
    for (ServeEvent e : server.getAllServeEvents()) {
      if (!e.getRequest().getUrl().equals("/v1/traces")) {
        continue;
      }
      try {
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(e.getRequest().getBody());
        for (var rs : req.getResourceSpansList()) {
          String service = String.valueOf(attrs(rs.getResource().getAttributesList()).getOrDefault("service.name", ""));
          for (var ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              out.add(new ExportedSpan(service, ss.getScope().getName(), s, attrs(s.getAttributesList())));
            }
          }
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new AssertionError("agent sent a trace payload that is not OTLP protobuf", ex);
      }
    }
    out.sort(Comparator.comparingLong(s -> s.span().getStartTimeUnixNano()));
    return out;
  }

  /** Metrics by name (the last export of each wins). */
  Map<String, Metric> metrics() {
    Map<String, Metric> out = new HashMap<>();
    for (ServeEvent e : server.getAllServeEvents()) {
      if (!e.getRequest().getUrl().equals("/v1/metrics")) {
        continue;
      }
      try {
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(e.getRequest().getBody());
        for (var rm : req.getResourceMetricsList()) {
          for (var sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              out.put(m.getName(), m);
            }
          }
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new AssertionError("agent sent a metrics payload that is not OTLP protobuf", ex);
      }
    }
    return out;
  }

  /** Every byte any OTLP request carried, to look for secrets. */
  String allPayloadText() {
    StringBuilder sb = new StringBuilder();
    for (ServeEvent e : server.getAllServeEvents()) {
      sb.append(new String(e.getRequest().getBody(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }

  static Map<String, Object> attrs(List<KeyValue> kvs) {
    Map<String, Object> m = new HashMap<>();
    for (KeyValue kv : kvs) {
      AnyValue v = kv.getValue();
      Object o;
      switch (v.getValueCase()) {
        case STRING_VALUE -> o = v.getStringValue();
        case INT_VALUE -> o = v.getIntValue();
        case DOUBLE_VALUE -> o = v.getDoubleValue();
        case BOOL_VALUE -> o = v.getBoolValue();
        case ARRAY_VALUE -> o = v.getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList();
        default -> o = v.toString();
      }
      m.put(kv.getKey(), o);
    }
    return m;
  }

  record ExportedSpan(String service, String scope, Span span, Map<String, Object> attributes) {
    Object get(String key) {
      return attributes.get(key);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
