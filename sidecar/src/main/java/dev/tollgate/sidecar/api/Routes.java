package dev.tollgate.sidecar.api;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.alerts.AlertEngine;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.alerts.RuleSet;
import dev.tollgate.sidecar.costs.Budgets;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.PriceBook;
import dev.tollgate.sidecar.export.PrometheusExporter;
import dev.tollgate.sidecar.ingest.IngestStats;
import dev.tollgate.sidecar.ingest.IngestStats.Result;
import dev.tollgate.sidecar.ingest.IngestStats.Signal;
import dev.tollgate.sidecar.ingest.MetricIngest;
import dev.tollgate.sidecar.ingest.TraceIngest;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every HTTP route, and how errors become responses. Handlers only do IO. */
public final class Routes {
  private static final Logger LOG = Logger.getLogger(Routes.class.getName());

  private final Auth auth;
  private final IngestHandlers ingest;
  private final QueryHandlers queries;
  private final CostHandlers costs;
  private final AlertHandlers alerts;
  private final PrometheusExporter exporter;
  private final IngestStats stats;
  private final Aggregator aggregator;
  private final BooleanSupplier storeHealthy;
  private final Json json = new Json();

  public Routes(
      String token,
      long maxBodyBytes,
      TraceIngest traces,
      MetricIngest metrics,
      IngestStats stats,
      Aggregator aggregator,
      ControllerState controller,
      PrometheusExporter exporter,
      BooleanSupplier storeHealthy,
      CostLedger ledger,
      PriceBook prices,
      Budgets budgets,
      AlertEngine engine,
      RuleSet ruleSet,
      List<Receiver> receivers,
      Duration evalInterval) {
    this.auth = new Auth(token);
    this.ingest = new IngestHandlers(maxBodyBytes, traces, metrics, stats, json);
    this.queries = new QueryHandlers(aggregator, controller, json);
    this.costs = new CostHandlers(ledger, prices, budgets, json);
    this.alerts = new AlertHandlers(engine, ruleSet, receivers, evalInterval, json);
    this.exporter = exporter;
    this.stats = stats;
    this.aggregator = aggregator;
    this.storeHealthy = storeHealthy;
  }

  /** Installs the routes into a Javalin configuration. */
  public void configure(JavalinConfig config) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    // Bodies are read (and limited) by BodyReader, gzip included; responses are small.
    config.http.compressionStrategy = CompressionStrategy.NONE;
    config.http.maxRequestSize = Long.MAX_VALUE;
    config.routes.before(this::authorize);
    config.routes.post("/v1/traces", ingest::traces);
    config.routes.post("/v1/metrics", ingest::metrics);
    config.routes.post("/v1/logs", ingest::logs);
    config.routes.get("/api/v1/summary", queries::summary);
    config.routes.get("/api/v1/breakdown", queries::breakdown);
    config.routes.get("/api/v1/timeseries", queries::timeseries);
    config.routes.get("/api/v1/costs", costs::costs);
    config.routes.get("/api/v1/costs/timeseries", costs::timeseries);
    config.routes.get("/api/v1/budgets", costs::budgets);
    config.routes.get("/api/v1/prices", costs::prices);
    config.routes.get("/api/v1/alerts", alerts::alerts);
    config.routes.get("/api/v1/alerts/history", alerts::history);
    config.routes.get("/api/v1/rules", alerts::rules);
    config.routes.get("/healthz", this::health);
    config.routes.get("/metrics", this::metrics);
    config.routes.exception(BadRequest.class, (e, ctx) -> json.error(ctx, e.status, e.getMessage()));
    config.routes.exception(Exception.class, this::unexpected);
  }

  private void authorize(Context ctx) {
    if (auth.allows(ctx)) {
      return;
    }
    String path = ctx.path();
    if (path.equals("/v1/traces")) {
      stats.request(Signal.TRACES, Result.UNAUTHORIZED);
    } else if (path.equals("/v1/metrics")) {
      stats.request(Signal.METRICS, Result.UNAUTHORIZED);
    } else if (path.equals("/v1/logs")) {
      stats.request(Signal.LOGS, Result.UNAUTHORIZED);
    }
    ctx.header("WWW-Authenticate", "Bearer");
    throw new BadRequest(401, "missing or wrong bearer token");
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean storeOk = storeHealthy.getAsBoolean();
    body.put("status", "ok");
    body.put("store", storeOk ? "ok" : "failing");
    body.put("series", aggregator.seriesCount());
    body.put("max_series", aggregator.maxSeries());
    body.put("folded_calls", aggregator.foldedCalls());
    body.put("spans_accepted", stats.spansAccepted());
    json.send(ctx, 200, body);
  }

  private void metrics(Context ctx) {
    ctx.status(200)
        .contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(exporter.scrape());
  }

  private void unexpected(Exception e, Context ctx) {
    if (e instanceof HttpResponseException h) {
      json.error(ctx, h.getStatus(), h.getMessage());
      return;
    }
    // A bug, not bad input (input problems are BadRequest): log it and say so.
    LOG.log(Level.SEVERE, "unexpected error on " + ctx.method() + " " + ctx.path(), e);
    json.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
  }
}
