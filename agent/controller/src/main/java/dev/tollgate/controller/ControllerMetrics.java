package dev.tollgate.controller;

import java.util.List;

/**
 * What the controller exports, read on demand (by an OpenTelemetry observable callback, a
 * Micrometer gauge, a test). No telemetry library here: the agent core adapts these to the names in
 * {@code dev.tollgate.conventions.Tollgate} ({@code tollgate.controller.queue_depth}, {@code
 * .in_flight}, {@code .concurrency_limit}, {@code tollgate.breaker.state}, {@code
 * tollgate.controller.rejections}, {@code .retries}, {@code tollgate.breaker.transitions}).
 */
public interface ControllerMetrics {
  /** One entry per configured endpoint and per model override; fixed after construction. */
  List<EndpointMetrics> endpoints();
}
