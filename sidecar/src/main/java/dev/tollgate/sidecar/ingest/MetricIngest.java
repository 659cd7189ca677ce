package dev.tollgate.sidecar.ingest;

import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.aggregate.ControllerState;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;

/**
 * Takes the controller's gauges and its breaker-transition, retry and wait counters from a metrics
 * export. Everything else in it (the GenAI histograms, the agent's own counters) is ignored: call
 * figures come from spans, exactly one per attempt, so counting them twice is impossible.
 */
public final class MetricIngest {
  private final ControllerState state;
  private final IngestStats stats;

  public MetricIngest(ControllerState state, IngestStats stats) {
    this.state = state;
    this.stats = stats;
  }

  public void ingest(ExportMetricsServiceRequest request) {
    int used = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      String service = SpanMapper.serviceName(rm.getResource());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          used += metric(service, m);
        }
      }
    }
    stats.metricPoints.addAndGet(used);
  }

  private int metric(String service, Metric m) {
    ControllerState.Kind kind =
        switch (m.getName()) {
          case Tollgate.METRIC_QUEUE_DEPTH -> ControllerState.Kind.QUEUE_DEPTH;
          case Tollgate.METRIC_IN_FLIGHT -> ControllerState.Kind.IN_FLIGHT;
          case Tollgate.METRIC_CONCURRENCY_LIMIT -> ControllerState.Kind.CONCURRENCY_LIMIT;
          case Tollgate.METRIC_BREAKER_STATE -> ControllerState.Kind.BREAKER_STATE;
          default -> null;
        };
    if (kind != null) {
      List<NumberDataPoint> points =
          m.hasGauge()
              ? m.getGauge().getDataPointsList()
              : m.hasSum() ? m.getSum().getDataPointsList() : List.of();
      for (NumberDataPoint p : points) {
        state.gauge(
            service, attribute(p, Tollgate.ENDPOINT_NAME), kind, value(p), p.getTimeUnixNano());
      }
      return points.size();
    }
    ControllerState.Counter counter =
        switch (m.getName()) {
          case Tollgate.METRIC_BREAKER_TRANSITIONS -> ControllerState.Counter.BREAKER_TRANSITIONS;
          case Tollgate.METRIC_RETRIES -> ControllerState.Counter.RETRIES;
          case Tollgate.METRIC_WAITS -> ControllerState.Counter.WAITS;
          default -> null;
        };
    if (counter != null && m.hasSum()) {
      String labelKey =
          switch (counter) {
            case BREAKER_TRANSITIONS -> Tollgate.TO_STATE;
            case RETRIES -> Tollgate.REASON;
            case WAITS -> Tollgate.LIMITER;
          };
      boolean cumulative =
          m.getSum().getAggregationTemporality()
              != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
      List<NumberDataPoint> points = m.getSum().getDataPointsList();
      for (NumberDataPoint p : points) {
        state.count(
            counter,
            service,
            attribute(p, Tollgate.ENDPOINT_NAME),
            attribute(p, labelKey),
            value(p),
            p.getStartTimeUnixNano(),
            cumulative);
      }
      return points.size();
    }
    return 0;
  }

  private static double value(NumberDataPoint p) {
    return switch (p.getValueCase()) {
      case AS_DOUBLE -> p.getAsDouble();
      case AS_INT -> p.getAsInt();
      default -> Double.NaN;
    };
  }

  private static String attribute(NumberDataPoint p, String key) {
    for (KeyValue kv : p.getAttributesList()) {
      if (key.equals(kv.getKey())) {
        AnyValue v = kv.getValue();
        return switch (v.getValueCase()) {
          case STRING_VALUE -> v.getStringValue();
          case INT_VALUE -> Long.toString(v.getIntValue());
          default -> "";
        };
      }
    }
    return "";
  }
}
