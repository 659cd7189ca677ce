package dev.tollgate.sidecar.ingest;

import static dev.tollgate.sidecar.testing.Otlp.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.testing.MutableClock;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The controller's OTLP counters reach {@link ControllerState} under the right key and label. */
class MetricIngestTest {
  private static final long START = 1_700_000_000_000_000_000L;
  private static final long RESTART = 1_700_000_900_000_000_000L;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final ControllerState state = new ControllerState(clock, Duration.ofMinutes(5), 100);
  private final IngestStats stats = new IngestStats();
  private final MetricIngest ingest = new MetricIngest(state, stats);

  private static NumberDataPoint point(long start, long value, KeyValue... attributes) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(start + 1).setAsInt(value);
    for (KeyValue kv : attributes) {
      p.addAttributes(kv);
    }
    return p.build();
  }

  private static Metric sum(String name, AggregationTemporality temporality, NumberDataPoint... points) {
    Sum.Builder s = Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(temporality);
    for (NumberDataPoint p : points) {
      s.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setSum(s).build();
  }

  private void send(String service, Metric... metrics) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    for (Metric m : metrics) {
      scope.addMetrics(m);
    }
    ingest.ingest(
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(Resource.newBuilder().addAttributes(str("service.name", service)))
                    .addScopeMetrics(scope))
            .build());
  }

  private Double total(ControllerState.Counter c, String service, String endpoint, String label) {
    return state.counterTotals().get(new ControllerState.CounterKey(c, service, endpoint, label));
  }

  private static Metric retries(AggregationTemporality t, long start, long n429, long nTimeout) {
    return sum(
        Tollgate.METRIC_RETRIES,
        t,
        point(start, n429, str(Tollgate.ENDPOINT_NAME, "openai"), str(Tollgate.REASON, "429")),
        point(start, nTimeout, str(Tollgate.ENDPOINT_NAME, "openai"), str(Tollgate.REASON, "timeout")));
  }

  private static Metric waits(AggregationTemporality t, long start, long requests, long breaker) {
    return sum(
        dev.tollgate.conventions.Tollgate.METRIC_WAITS,
        t,
        point(start, requests, str(Tollgate.ENDPOINT_NAME, "dify"), str(Tollgate.LIMITER, "requests")),
        point(
            start, breaker, str(Tollgate.ENDPOINT_NAME, "dify"), str(Tollgate.LIMITER, "circuit_breaker")));
  }

  @Test
  void cumulativeRetriesAndWaitsBecomeRunningTotalsAcrossRestarts() {
    var cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    send("checkout", retries(cumulative, START, 2, 1), waits(cumulative, START, 5, 0));
    send("checkout", retries(cumulative, START, 6, 1), waits(cumulative, START, 9, 2));
    assertThat(total(ControllerState.Counter.RETRIES, "checkout", "openai", "429")).isEqualTo(6.0);
    assertThat(total(ControllerState.Counter.RETRIES, "checkout", "openai", "timeout")).isEqualTo(1.0);
    assertThat(total(ControllerState.Counter.WAITS, "checkout", "dify", "requests")).isEqualTo(9.0);
    assertThat(total(ControllerState.Counter.WAITS, "checkout", "dify", "circuit_breaker")).isEqualTo(2.0);
    // The agent restarted: new start time, counts from zero again.
    send("checkout", retries(cumulative, RESTART, 1, 0), waits(cumulative, RESTART, 3, 1));
    assertThat(total(ControllerState.Counter.RETRIES, "checkout", "openai", "429")).isEqualTo(7.0);
    assertThat(total(ControllerState.Counter.RETRIES, "checkout", "openai", "timeout")).isEqualTo(1.0);
    assertThat(total(ControllerState.Counter.WAITS, "checkout", "dify", "requests")).isEqualTo(12.0);
    assertThat(total(ControllerState.Counter.WAITS, "checkout", "dify", "circuit_breaker")).isEqualTo(3.0);
    assertThat(stats.metricPoints()).isEqualTo(12);
  }

  @Test
  void deltaRetriesAndWaitsAreAdded() {
    var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    send("search", retries(delta, START, 2, 1), waits(delta, START, 5, 1));
    send("search", retries(delta, START + 10, 3, 0), waits(delta, START + 10, 1, 0));
    assertThat(total(ControllerState.Counter.RETRIES, "search", "openai", "429")).isEqualTo(5.0);
    assertThat(total(ControllerState.Counter.RETRIES, "search", "openai", "timeout")).isEqualTo(1.0);
    assertThat(total(ControllerState.Counter.WAITS, "search", "dify", "requests")).isEqualTo(6.0);
    assertThat(total(ControllerState.Counter.WAITS, "search", "dify", "circuit_breaker")).isEqualTo(1.0);
  }

  @Test
  void transitionsStillArriveByTargetState() {
    send(
        "checkout",
        sum(
            Tollgate.METRIC_BREAKER_TRANSITIONS,
            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
            point(START, 2, str(Tollgate.ENDPOINT_NAME, "dify"), str(Tollgate.TO_STATE, "open"))));
    assertThat(total(ControllerState.Counter.BREAKER_TRANSITIONS, "checkout", "dify", "open"))
        .isEqualTo(2.0);
  }

  @Test
  void aCounterThatIsNotASumIsIgnored() {
    send(
        "checkout",
        Metric.newBuilder()
            .setName(Tollgate.METRIC_RETRIES)
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        point(START, 4, str(Tollgate.ENDPOINT_NAME, "openai"), str(Tollgate.REASON, "500"))))
            .build());
    assertThat(state.counterTotals()).isEmpty();
    assertThat(stats.metricPoints()).isZero();
  }

  @Test
  void missingAttributesBecomeEmptyLabels() {
    send(
        "checkout",
        sum(Tollgate.METRIC_RETRIES, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, point(START, 1)));
    assertThat(total(ControllerState.Counter.RETRIES, "checkout", "", "")).isEqualTo(1.0);
  }
}
