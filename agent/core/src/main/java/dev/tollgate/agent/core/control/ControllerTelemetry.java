package dev.tollgate.agent.core.control;

import dev.tollgate.controller.EndpointMetrics;
import dev.tollgate.controller.Limiter;
import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.retry.RetryReason;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;

/**
 * Exports the controller's live state as OpenTelemetry instruments, read at each metric export:
 * queue depth, calls in flight, the current concurrency limit and breaker state as gauges; rejections,
 * waits, retries and breaker transitions as cumulative counters.
 */
public final class ControllerTelemetry {
  private static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey(Tollgate.ENDPOINT_NAME);
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> LIMITER = AttributeKey.stringKey(Tollgate.LIMITER);
  private static final AttributeKey<String> REASON = AttributeKey.stringKey(Tollgate.REASON);
  private static final AttributeKey<String> TO_STATE = AttributeKey.stringKey(Tollgate.TO_STATE);

  private ControllerTelemetry() {}

  public static void register(Meter meter, CallControl control) {
    meter
        .gaugeBuilder(Tollgate.METRIC_QUEUE_DEPTH)
        .ofLongs()
        .setDescription("Calls waiting for a concurrency permit.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                if (e.hasConcurrencyLimit()) {
                  m.record(e.queueDepth(), attrs(e));
                }
              }
            });
    meter
        .gaugeBuilder(Tollgate.METRIC_IN_FLIGHT)
        .ofLongs()
        .setDescription("Calls holding a concurrency permit.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                if (e.hasConcurrencyLimit()) {
                  m.record(e.inFlight(), attrs(e));
                }
              }
            });
    meter
        .gaugeBuilder(Tollgate.METRIC_CONCURRENCY_LIMIT)
        .ofLongs()
        .setDescription("The current concurrency limit (moves in adaptive mode).")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                if (e.hasConcurrencyLimit()) {
                  m.record(e.concurrencyLimit(), attrs(e));
                }
              }
            });
    meter
        .gaugeBuilder(Tollgate.METRIC_BREAKER_STATE)
        .ofLongs()
        .setDescription("Circuit breaker state: 0 closed, 1 open, 2 half-open.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                if (e.hasCircuitBreaker()) {
                  m.record(e.breakerState().code(), attrs(e));
                }
              }
            });
    meter
        .counterBuilder(Tollgate.METRIC_REJECTIONS)
        .setDescription("Calls the controller refused, by limiter.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                for (Limiter l : Limiter.values()) {
                  long n = e.rejections(l);
                  if (n > 0) {
                    m.record(n, attrs(e).toBuilder().put(LIMITER, l.label()).build());
                  }
                }
              }
            });
    meter
        .counterBuilder(Tollgate.METRIC_WAITS)
        .setDescription("Calls that waited for a limiter before being sent or refused.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                for (Limiter l : Limiter.values()) {
                  long n = e.waits(l);
                  if (n > 0) {
                    m.record(n, attrs(e).toBuilder().put(LIMITER, l.label()).build());
                  }
                }
              }
            });
    meter
        .counterBuilder(Tollgate.METRIC_RETRIES)
        .setDescription("Retries the controller made, by reason.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                for (RetryReason r : RetryReason.values()) {
                  long n = e.retries(r);
                  if (n > 0) {
                    m.record(n, attrs(e).toBuilder().put(REASON, r.label()).build());
                  }
                }
              }
            });
    meter
        .counterBuilder(Tollgate.METRIC_BREAKER_TRANSITIONS)
        .setDescription("Circuit breaker transitions, by the state entered.")
        .buildWithCallback(
            m -> {
              for (EndpointMetrics e : control.metrics()) {
                if (!e.hasCircuitBreaker()) {
                  continue;
                }
                for (BreakerState s : BreakerState.values()) {
                  long n = e.breakerTransitions(s);
                  if (n > 0) {
                    m.record(n, attrs(e).toBuilder().put(TO_STATE, s.label()).build());
                  }
                }
              }
            });
  }

  private static Attributes attrs(EndpointMetrics e) {
    return e.model() == null
        ? Attributes.of(ENDPOINT, e.endpoint())
        : Attributes.of(ENDPOINT, e.endpoint(), MODEL, e.model());
  }
}
