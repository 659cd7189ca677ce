package dev.tollgate.sidecar.api;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.aggregate.Filter;
import dev.tollgate.sidecar.aggregate.Stats;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GET /api/v1/summary, /breakdown and /timeseries: parse parameters, query, write JSON. */
final class QueryHandlers {
  private static final Pattern WINDOW = Pattern.compile("(\\d{1,6})(m|h|d)");
  private static final int MAX_POINTS = 1440;

  /** Timeseries metrics: name -> (unit, extractor). */
  private static final Map<String, Metric> METRICS = new LinkedHashMap<>();

  private record Metric(String unit, ToDoubleFunction<Stats> value) {}

  static {
    METRICS.put("calls", new Metric("calls", s -> s.calls()));
    METRICS.put("errors", new Metric("calls", s -> s.errors()));
    METRICS.put("error_rate", new Metric("ratio", Stats::errorRate));
    METRICS.put("retries", new Metric("calls", s -> s.retries()));
    METRICS.put("rejected", new Metric("calls", s -> s.rejected()));
    METRICS.put("rate_limited", new Metric("calls", s -> s.rateLimited()));
    METRICS.put("latency_p50", new Metric("ms", s -> s.latency().p50() * 1000));
    METRICS.put("latency_p95", new Metric("ms", s -> s.latency().p95() * 1000));
    METRICS.put("latency_p99", new Metric("ms", s -> s.latency().p99() * 1000));
    METRICS.put("ttft_p50", new Metric("ms", s -> s.ttft().p50() * 1000));
    METRICS.put("ttft_p95", new Metric("ms", s -> s.ttft().p95() * 1000));
    METRICS.put("ttft_p99", new Metric("ms", s -> s.ttft().p99() * 1000));
    METRICS.put("tokens_input", new Metric("tokens", s -> s.tokens().input()));
    METRICS.put("tokens_output", new Metric("tokens", s -> s.tokens().output()));
    METRICS.put("tokens_cache_read", new Metric("tokens", s -> s.tokens().cacheRead()));
    METRICS.put("tokens_cache_write", new Metric("tokens", s -> s.tokens().cacheWrite()));
    METRICS.put("tokens_reasoning", new Metric("tokens", s -> s.tokens().reasoning()));
  }

  private final Aggregator aggregator;
  private final ControllerState controller;
  private final Json json;

  QueryHandlers(Aggregator aggregator, ControllerState controller, Json json) {
    this.aggregator = aggregator;
    this.controller = controller;
    this.json = json;
  }

  void summary(Context ctx) {
    String windowText = param(ctx, "window", "15m");
    Duration window = window(windowText, "window");
    Filter filter = filter(ctx);
    Stats stats = aggregator.query(filter, window);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("window", windowText);
    body.put("filter", filterMap(filter));
    putStats(body, stats);
    putController(body, controller.snapshot(filter));
    json.send(ctx, 200, body);
  }

  void breakdown(Context ctx) {
    String byText = param(ctx, "by", null);
    if (byText == null) {
      throw new BadRequest("missing parameter 'by' (" + dimensionNames() + ")");
    }
    Dimension by = Dimension.parse(byText);
    if (by == null) {
      throw new BadRequest("unknown 'by' value '" + byText + "' (" + dimensionNames() + ")");
    }
    String windowText = param(ctx, "window", "1h");
    Duration window = window(windowText, "window");
    Filter filter = filter(ctx);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, Stats> e : aggregator.breakdown(filter, by, window).entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(by.label(), e.getKey());
      putStats(row, e.getValue());
      if (by == Dimension.SERVICE || by == Dimension.ENDPOINT) {
        putController(row, controller.snapshot(filter.and(by, e.getKey())));
      }
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("window", windowText);
    body.put("by", by.label());
    body.put("filter", filterMap(filter));
    body.put("rows", rows);
    json.send(ctx, 200, body);
  }

  void timeseries(Context ctx) {
    String metricName = param(ctx, "metric", null);
    if (metricName == null) {
      throw new BadRequest("missing parameter 'metric' (" + String.join(", ", METRICS.keySet()) + ")");
    }
    Metric metric = METRICS.get(metricName.toLowerCase(Locale.ROOT));
    if (metric == null) {
      throw new BadRequest(
          "unknown metric '" + metricName + "' (" + String.join(", ", METRICS.keySet()) + ")");
    }
    String stepText = param(ctx, "step", "1m");
    String windowText = param(ctx, "window", "1h");
    Duration step = window(stepText, "step");
    Duration window = window(windowText, "window");
    if (step.compareTo(window) > 0) {
      throw new BadRequest("step must not be longer than window");
    }
    if (window.toMinutes() / step.toMinutes() > MAX_POINTS) {
      throw new BadRequest("too many points: window/step must be at most " + MAX_POINTS);
    }
    Filter filter = filter(ctx);
    List<Map<String, Object>> points = new ArrayList<>();
    for (Aggregator.Point p : aggregator.timeseries(filter, window, step)) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("t", p.startEpochMillis());
      point.put("time", Instant.ofEpochMilli(p.startEpochMillis()).toString());
      point.put("value", Json.num(metric.value().applyAsDouble(p.stats())));
      points.add(point);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("metric", metricName.toLowerCase(Locale.ROOT));
    body.put("unit", metric.unit());
    body.put("step", stepText);
    body.put("window", windowText);
    body.put("filter", filterMap(filter));
    body.put("points", points);
    json.send(ctx, 200, body);
  }

  // ---------------------------------------------------------------------------------------------

  private static String param(Context ctx, String name, String def) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private Duration window(String text, String name) {
    Matcher m = WINDOW.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new BadRequest(name + " must look like 15m, 6h or 1d, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.isZero()) {
      throw new BadRequest(name + " must be at least 1m");
    }
    if (d.compareTo(aggregator.maxWindow()) > 0) {
      throw new BadRequest(
          name + " must be at most " + aggregator.maxWindow().toHours() + "h (the in-memory window)");
    }
    return d;
  }

  private static Filter filter(Context ctx) {
    Filter f = Filter.ALL;
    for (Dimension d : Dimension.values()) {
      f = f.and(d, ctx.queryParam(d.label()));
    }
    return f;
  }

  private static Map<String, String> filterMap(Filter f) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Dimension d : Dimension.values()) {
      if (f.get(d) != null) {
        m.put(d.label(), f.get(d));
      }
    }
    return m;
  }

  private static String dimensionNames() {
    List<String> names = new ArrayList<>();
    for (Dimension d : Dimension.values()) {
      names.add(d.label());
    }
    return String.join(", ", names);
  }

  static void putStats(Map<String, Object> m, Stats s) {
    m.put("calls", s.calls());
    m.put("errors", s.errors());
    m.put("error_rate", Math.round(s.errorRate() * 1e6) / 1e6);
    m.put("errors_by_type", s.errorsByType());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", Json.num(s.latency().p50() * 1000));
    latency.put("p95", Json.num(s.latency().p95() * 1000));
    latency.put("p99", Json.num(s.latency().p99() * 1000));
    latency.put("max", Json.num(s.latency().max() * 1000));
    m.put("latency_ms", latency);
    Map<String, Object> ttft = new LinkedHashMap<>();
    ttft.put("p50", Json.num(s.ttft().p50() * 1000));
    ttft.put("p95", Json.num(s.ttft().p95() * 1000));
    ttft.put("p99", Json.num(s.ttft().p99() * 1000));
    m.put("ttft_ms", ttft);
    Map<String, Object> tokens = new LinkedHashMap<>();
    tokens.put("input", s.tokens().input());
    tokens.put("output", s.tokens().output());
    tokens.put("cache_read", s.tokens().cacheRead());
    tokens.put("cache_write", s.tokens().cacheWrite());
    tokens.put("reasoning", s.tokens().reasoning());
    m.put("tokens", tokens);
    m.put("unmetered_calls", s.unmeteredCalls());
    m.put("retries", s.retries());
    m.put("rate_limited", s.rateLimited());
    m.put("rejected", s.rejected());
    m.put("rejected_by", s.rejectedBy());
  }

  private static void putController(Map<String, Object> m, ControllerState.Snapshot c) {
    m.put("breakers", c.breakers());
    m.put("queue_depth", numbers(c.queueDepth()));
    m.put("in_flight", numbers(c.inFlight()));
    m.put("concurrency_limit", numbers(c.concurrencyLimit()));
  }

  /** Gauge values are counts: print 3, not 3.0. */
  private static Map<String, Object> numbers(Map<String, Double> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> out.put(k, v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) v.longValue() : v));
    return out;
  }
}
