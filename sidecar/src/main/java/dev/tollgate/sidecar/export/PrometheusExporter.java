package dev.tollgate.sidecar.export;

import dev.tollgate.conventions.GenAi;
import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.CallListener;
import dev.tollgate.sidecar.aggregate.CallRecord;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import dev.tollgate.sidecar.alerts.AlertEngine;
import dev.tollgate.sidecar.alerts.Notifier;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.alerts.Rule;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.Budgets;
import dev.tollgate.sidecar.costs.CallCost;
import dev.tollgate.sidecar.costs.CostKey;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.CostService;
import dev.tollgate.sidecar.ingest.IngestStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The Prometheus view (/metrics), through Micrometer. Call meters are updated per call as a
 * {@link CallListener}, keyed by the series the aggregator counted the call under, so their label
 * sets are bounded by the same cap. Controller gauges and counters (breaker transitions, retries,
 * waits) are synchronised from {@link ControllerState} on each scrape. Every name is documented in
 * docs/sidecar.md; Micrometer's Prometheus naming adds {@code _total} to counters and {@code
 * _seconds} to timers.
 */
public final class PrometheusExporter
    implements CallListener, CostService.CostListener, AutoCloseable {
  static final String CALLS = "tollgate.calls";
  static final String DURATION = "tollgate.call.duration";
  static final String TTFT = "tollgate.time.to.first.chunk";
  static final String TOKENS = "tollgate.tokens";
  static final String RETRIES = "tollgate.retries";
  static final String REJECTED = "tollgate.rejected";
  static final String UNMETERED = "tollgate.unmetered.calls";
  static final String DIFY_COST = "tollgate.dify.reported.cost";
  static final String QUEUE_DEPTH = "tollgate.queue.depth";
  static final String IN_FLIGHT = "tollgate.in.flight";
  static final String CONCURRENCY_LIMIT = "tollgate.concurrency.limit";
  static final String BREAKER_STATE = "tollgate.breaker.state";
  static final String BREAKER_TRANSITIONS =
      ControllerState.Counter.BREAKER_TRANSITIONS.metricName();
  static final String CONTROLLER_RETRIES = ControllerState.Counter.RETRIES.metricName();
  static final String CONTROLLER_WAITS = ControllerState.Counter.WAITS.metricName();
  static final String COST = "tollgate.cost.usd";
  static final String COST_ESTIMATED = "tollgate.cost.estimated.usd";
  static final String DIFY_DRIFT = "tollgate.dify.price.drift.usd";
  static final String UNPRICED = "tollgate.unpriced.calls";
  static final String MONTH_TO_DATE = "tollgate.cost.month.to.date.usd";
  static final String FORECAST = "tollgate.cost.forecast.month.usd";
  static final String BUDGET_LIMIT = "tollgate.budget.limit.usd";
  static final String BUDGET_SPENT = "tollgate.budget.spent.usd";
  static final String BUDGET_RATIO = "tollgate.budget.used.ratio";
  static final String ALERTS_FIRING = "tollgate.alerts.firing";
  static final String NOTIFICATIONS = "tollgate.alert.notifications";
  static final String RULE_ERRORS = "tollgate.alert.rule.load.errors";

  /** Distinct error types / limiters / currencies exported before the rest become _OTHER. */
  private static final int VOCABULARY_LIMIT = 64;

  private static final Duration[] BUCKETS = buckets();

  /** The HELP text of every meter, by Micrometer name. */
  private static final Map<String, String> HELP =
      Map.ofEntries(
          Map.entry(CALLS, "GenAI call attempts (one per span), by outcome and error type"),
          Map.entry(DURATION, "Duration of GenAI call attempts, rejected calls excluded"),
          Map.entry(TTFT, "Time to the first streamed chunk"),
          Map.entry(TOKENS, "Tokens reported by providers, by kind (unknown counts add nothing)"),
          Map.entry(RETRIES, "Call attempts that were retries (tollgate.attempt > 1)"),
          Map.entry(REJECTED, "Calls the agent's controller rejected, by limiter"),
          Map.entry(UNMETERED, "Successful calls whose token usage is unknown"),
          Map.entry(DIFY_COST, "Cost Dify reported for its calls, by currency"),
          Map.entry(QUEUE_DEPTH, "Calls waiting for a concurrency permit (latest agent report)"),
          Map.entry(IN_FLIGHT, "Calls in flight (latest agent report)"),
          Map.entry(CONCURRENCY_LIMIT, "Current concurrency limit (latest agent report)"),
          Map.entry(BREAKER_STATE, "Circuit breaker state: 0 closed, 1 open, 2 half-open"),
          Map.entry(BREAKER_TRANSITIONS, "Circuit breaker transitions, by target state"),
          Map.entry(CONTROLLER_RETRIES, "Retries the agent's controller made, by reason"),
          Map.entry(CONTROLLER_WAITS, "Calls that waited for a limiter before being sent or refused"),
          Map.entry(
              COST, "Cost of calls in USD: Dify's reported price where given, else the estimate"),
          Map.entry(
              COST_ESTIMATED, "Price-table estimate of calls in USD (also with a reported price)"),
          Map.entry(
              DIFY_DRIFT, "Dify reported price minus the estimate, USD, by direction (over/under)"),
          Map.entry(UNPRICED, "Calls whose cost is unknown (no price for the model, unknown tokens)"),
          Map.entry(MONTH_TO_DATE, "Cost of the current calendar month so far, USD"),
          Map.entry(FORECAST, "Linear forecast of the current calendar month's cost, USD"),
          Map.entry(BUDGET_LIMIT, "Budget limit for the period, USD"),
          Map.entry(BUDGET_SPENT, "Spent in the budget's current period, USD"),
          Map.entry(BUDGET_RATIO, "Spent / limit for the budget's current period"),
          Map.entry(ALERTS_FIRING, "Alert instances firing, per rule (1 while an ungrouped rule fires)"),
          Map.entry(
              NOTIFICATIONS, "Alert notifications by receiver and result (success, retry, failure, dropped)"),
          Map.entry(RULE_ERRORS, "Rules in the rules file that failed to load"),
          Map.entry("tollgate.sidecar.ingest.requests", "OTLP requests received, by signal and result"),
          Map.entry("tollgate.sidecar.decode.errors", "OTLP requests whose body could not be decoded"),
          Map.entry("tollgate.sidecar.spans", "Spans received: accepted, skipped (not GenAI), too_old"),
          Map.entry("tollgate.sidecar.metric.points", "Controller metric data points used"),
          Map.entry("tollgate.sidecar.folded.calls", "Calls counted under the 'other' series (cap hit)"),
          Map.entry("tollgate.sidecar.series", "Series held in memory"),
          Map.entry("tollgate.sidecar.series.limit", "Series cap (max-series)"),
          Map.entry(
              "tollgate.sidecar.controller.points.dropped",
              "Controller data points dropped because the series cap was reached"),
          Map.entry("tollgate.sidecar.store.rows.written", "Minute rollups written to SQLite"),
          Map.entry("tollgate.sidecar.store.failures", "Failed SQLite writes or prunes"),
          Map.entry("tollgate.sidecar.store.pending.rows", "Rollups waiting to be written"));

  private static String help(String name) {
    return HELP.getOrDefault(name, "");
  }

  private final PrometheusMeterRegistry registry;
  private final ControllerState controller;
  private final Map<SeriesKey, SeriesMeters> series = new ConcurrentHashMap<>();
  private final Set<String> vocabulary = ConcurrentHashMap.newKeySet();
  private final Map<Object, Meter> controllerMeters = new HashMap<>();
  private final Map<Object, double[]> controllerValues = new HashMap<>();
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  public PrometheusExporter(
      ControllerState controller,
      Aggregator aggregator,
      IngestStats ingest,
      SelfMetrics store) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.controller = controller;
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    bindSelfMetrics(aggregator, ingest, store);
  }

  /** Sources of the sidecar's store self-metrics (kept as an interface so tests can fake it). */
  public interface SelfMetrics {
    long rowsWritten();

    long failures();

    int pendingRows();
  }

  private static Duration[] buckets() {
    double[] s = GenAi.DURATION_BUCKETS_SECONDS;
    Duration[] d = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
    }
    return d;
  }

  private void bindSelfMetrics(Aggregator aggregator, IngestStats ingest, SelfMetrics store) {
    for (IngestStats.Signal signal : IngestStats.Signal.values()) {
      String sig = signal.name().toLowerCase(Locale.ROOT);
      for (IngestStats.Result result : IngestStats.Result.values()) {
        functionCounter(
            "tollgate.sidecar.ingest.requests",
            Tags.of("signal", sig, "result", result.name().toLowerCase(Locale.ROOT)),
            ingest,
            s -> s.requests(signal, result));
      }
      functionCounter(
          "tollgate.sidecar.decode.errors",
          Tags.of("signal", sig),
          ingest,
          s -> s.requests(signal, IngestStats.Result.BAD_REQUEST));
    }
    functionCounter(
        "tollgate.sidecar.spans", Tags.of("result", "accepted"), ingest, IngestStats::spansAccepted);
    functionCounter(
        "tollgate.sidecar.spans", Tags.of("result", "skipped"), ingest, IngestStats::spansSkipped);
    functionCounter(
        "tollgate.sidecar.spans", Tags.of("result", "too_old"), ingest, IngestStats::spansTooOld);
    functionCounter(
        "tollgate.sidecar.metric.points", Tags.empty(), ingest, IngestStats::metricPoints);
    functionCounter(
        "tollgate.sidecar.folded.calls", Tags.empty(), aggregator, Aggregator::foldedCalls);
    gauge("tollgate.sidecar.series", Tags.empty(), aggregator, Aggregator::seriesCount);
    gauge("tollgate.sidecar.series.limit", Tags.empty(), aggregator, Aggregator::maxSeries);
    functionCounter(
        "tollgate.sidecar.controller.points.dropped",
        Tags.empty(),
        controller,
        ControllerState::dropped);
    functionCounter(
        "tollgate.sidecar.store.rows.written", Tags.empty(), store, SelfMetrics::rowsWritten);
    functionCounter(
        "tollgate.sidecar.store.failures", Tags.empty(), store, SelfMetrics::failures);
    gauge("tollgate.sidecar.store.pending.rows", Tags.empty(), store, SelfMetrics::pendingRows);
  }

  private <T> void functionCounter(String name, Tags tags, T obj, ToLongFunction<T> f) {
    FunctionCounter.builder(name, obj, o -> f.applyAsLong(o))
        .description(help(name))
        .tags(tags)
        .register(registry);
  }

  private <T> void gauge(String name, Tags tags, T obj, ToDoubleFunction<T> f) {
    Gauge.builder(name, obj, f)
        .description(help(name))
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  // ---------------------------------------------------------------------------------------------
  // Per-call meters.

  @Override
  public void onCall(CallRecord call, SeriesKey key) {
    series.computeIfAbsent(key, this::newSeries).record(call);
  }

  private SeriesMeters newSeries(SeriesKey key) {
    return new SeriesMeters(
        Tags.of(
            "service", key.service(),
            "provider", key.provider(),
            "model", key.model(),
            "endpoint", key.endpoint(),
            "dify_app", key.difyApp(),
            "operation", key.operation()));
  }

  private String word(String s) {
    if (vocabulary.contains(s)) {
      return s;
    }
    if (vocabulary.size() >= VOCABULARY_LIMIT * 3 || s.length() > SeriesKey.MAX_VALUE_LENGTH) {
      return "_OTHER";
    }
    vocabulary.add(s);
    return s;
  }

  /** The meters of one series, created once and then only incremented. */
  private final class SeriesMeters {
    private final Tags tags;
    private final Counter success;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Timer duration;
    private final Timer ttft;
    private final Counter input;
    private final Counter output;
    private final Counter cacheRead;
    private final Counter cacheWrite;
    private final Counter reasoning;
    private final Counter retries;
    private final Counter unmetered;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> difyCost = new ConcurrentHashMap<>();
    private final List<Meter> all = new ArrayList<>();

    SeriesMeters(Tags tags) {
      this.tags = tags;
      success = counter(CALLS, tags.and("outcome", "success", "error_type", "none"));
      duration = timer(DURATION);
      ttft = timer(TTFT);
      input = counter(TOKENS, tags.and("kind", "input"));
      output = counter(TOKENS, tags.and("kind", "output"));
      cacheRead = counter(TOKENS, tags.and("kind", "cache_read"));
      cacheWrite = counter(TOKENS, tags.and("kind", "cache_write"));
      reasoning = counter(TOKENS, tags.and("kind", "reasoning"));
      retries = counter(RETRIES, tags);
      unmetered = counter(UNMETERED, tags);
    }

    private Counter counter(String name, Tags t) {
      Counter c = Counter.builder(name).description(help(name)).tags(t).register(registry);
      synchronized (all) {
        all.add(c);
      }
      return c;
    }

    private Timer timer(String name) {
      Timer t =
          Timer.builder(name)
              .description(help(name))
              .tags(tags)
              .serviceLevelObjectives(BUCKETS)
              .minimumExpectedValue(BUCKETS[0])
              .maximumExpectedValue(BUCKETS[BUCKETS.length - 1])
              .register(registry);
      synchronized (all) {
        all.add(t);
      }
      return t;
    }

    void record(CallRecord c) {
      if (c.errorType() == null) {
        success.increment();
      } else {
        errors
            .computeIfAbsent(
                word(c.errorType()),
                t -> counter(CALLS, tags.and("outcome", "error", "error_type", t)))
            .increment();
      }
      if (c.rejectedBy() != null) {
        rejected
            .computeIfAbsent(word(c.rejectedBy()), l -> counter(REJECTED, tags.and("limiter", l)))
            .increment();
      } else if (c.durationSeconds() >= 0) {
        duration.record(Math.round(c.durationSeconds() * 1e9), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      if (c.ttftSeconds() >= 0) {
        ttft.record(Math.round(c.ttftSeconds() * 1e9), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      add(input, c.inputTokens());
      add(output, c.outputTokens());
      add(cacheRead, c.cacheReadTokens());
      add(cacheWrite, c.cacheWriteTokens());
      add(reasoning, c.reasoningTokens());
      if (c.isRetry()) {
        retries.increment();
      }
      if (c.unmetered()) {
        unmetered.increment();
      }
      if (c.difyTotalPrice() != null && c.difyTotalPrice().signum() > 0) {
        String currency = c.difyCurrency() == null ? "" : c.difyCurrency();
        difyCost
            .computeIfAbsent(word(currency), cur -> counter(DIFY_COST, tags.and("currency", cur)))
            .increment(c.difyTotalPrice().doubleValue());
      }
    }

    private void add(Counter c, long tokens) {
      if (tokens > 0) {
        c.increment(tokens);
      }
    }

    void remove() {
      synchronized (all) {
        all.forEach(registry::remove);
        all.clear();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Costs, budgets and alerts.

  private final Map<CostKey, CostMeters> costMeters = new ConcurrentHashMap<>();

  @Override
  public void onCost(CallRecord call, CostKey key, CallCost cost) {
    costMeters.computeIfAbsent(key, CostMeters::new).record(cost);
  }

  /** The cost counters of one cost key (a series without its operation). */
  private final class CostMeters {
    private final Counter cost;
    private final Counter estimated;
    private final Counter driftOver;
    private final Counter driftUnder;
    private final Counter unpriced;

    CostMeters(CostKey k) {
      Tags tags =
          Tags.of(
              "service", k.service(),
              "provider", k.provider(),
              "model", k.model(),
              "endpoint", k.endpoint(),
              "dify_app", k.difyApp());
      cost = counter(COST, tags);
      estimated = counter(COST_ESTIMATED, tags);
      Tags drift =
          Tags.of("service", k.service(), "endpoint", k.endpoint(), "dify_app", k.difyApp());
      driftOver = counter(DIFY_DRIFT, drift.and("direction", "over"));
      driftUnder = counter(DIFY_DRIFT, drift.and("direction", "under"));
      unpriced =
          counter(
              UNPRICED,
              Tags.of(
                  "service", k.service(),
                  "provider", k.provider(),
                  "model", k.model(),
                  "endpoint", k.endpoint()));
    }

    private Counter counter(String name, Tags t) {
      return Counter.builder(name).description(help(name)).tags(t).register(registry);
    }

    void record(CallCost c) {
      if (!c.isPriced()) {
        unpriced.increment();
        return;
      }
      if (c.costUsd() > 0) {
        cost.increment(c.costUsd());
      }
      if (c.estimatedUsd() > 0) {
        estimated.increment(c.estimatedUsd());
      }
      if (c.hasDrift()) {
        double d = c.reportedUsd() - c.estimatedUsd();
        if (d > 0) {
          driftOver.increment(d);
        } else if (d < 0) {
          driftUnder.increment(-d);
        }
      }
    }
  }

  /** Month to date and the month's forecast, {@code scope="all"}. */
  public void bindCosts(CostLedger ledger) {
    gauge(
        MONTH_TO_DATE,
        Tags.of("scope", "all"),
        ledger,
        l -> l.total(Map.of(), l.monthToDate()).cost());
    gauge(FORECAST, Tags.of("scope", "all"), ledger, l -> l.forecastMonth(Map.of()));
  }

  /** Limit, spent and used ratio of every budget. */
  public void bindBudgets(Budgets budgets) {
    for (Budget b : budgets.all()) {
      Tags t = Tags.of("budget", b.name(), "period", b.period().label());
      gauge(BUDGET_LIMIT, t, b, Budget::limitUsd);
      gauge(BUDGET_SPENT, t, budgets, x -> x.status(b).spentUsd());
      gauge(BUDGET_RATIO, t, budgets, x -> x.status(b).usedRatio());
    }
  }

  /** Firing alerts per rule, notification outcomes per receiver, and rule load errors. */
  public void bindAlerts(AlertEngine engine, Notifier notifier, int ruleLoadErrors) {
    for (Rule r : engine.rules()) {
      gauge(
          ALERTS_FIRING,
          Tags.of("alertname", r.name(), "severity", r.severity()),
          engine,
          e -> e.firingCounts().getOrDefault(r.name(), 0));
    }
    for (Receiver r : notifier.receivers()) {
      for (String result : Notifier.RESULTS) {
        functionCounter(
            NOTIFICATIONS,
            Tags.of("receiver", r.name(), "result", result),
            notifier,
            n -> n.count(r.name(), result));
      }
    }
    gauge(RULE_ERRORS, Tags.empty(), engine, e -> ruleLoadErrors);
  }

  /** Drops the meters of series the aggregator forgot (no data left in its horizon). */
  public void forget(List<SeriesKey> keys) {
    for (SeriesKey k : keys) {
      SeriesMeters m = series.remove(k);
      if (m != null) {
        m.remove();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Controller gauges, synchronised on scrape.

  private synchronized void syncController() {
    Set<Object> live = new HashSet<>();
    for (Map.Entry<ControllerState.GaugeKey, Double> e : controller.gauges().entrySet()) {
      ControllerState.GaugeKey k = e.getKey();
      live.add(k);
      double[] cell = controllerValues.get(k);
      if (cell == null) {
        double[] holder = new double[1];
        controllerValues.put(k, holder);
        String name =
            switch (k.kind()) {
              case QUEUE_DEPTH -> QUEUE_DEPTH;
              case IN_FLIGHT -> IN_FLIGHT;
              case CONCURRENCY_LIMIT -> CONCURRENCY_LIMIT;
              case BREAKER_STATE -> BREAKER_STATE;
            };
        controllerMeters.put(
            k,
            Gauge.builder(name, holder, h -> h[0])
                .description(help(name))
                .tags("service", k.service(), "endpoint", k.endpoint())
                .strongReference(true)
                .register(registry));
        cell = holder;
      }
      cell[0] = e.getValue();
    }
    for (Map.Entry<ControllerState.CounterKey, Double> e :
        controller.counterTotals().entrySet()) {
      ControllerState.CounterKey k = e.getKey();
      live.add(k);
      double[] cell = controllerValues.get(k);
      if (cell == null) {
        double[] holder = new double[1];
        controllerValues.put(k, holder);
        String name = k.counter().metricName();
        controllerMeters.put(
            k,
            FunctionCounter.builder(name, holder, h -> h[0])
                .description(help(name))
                .tags(
                    "service", k.service(),
                    "endpoint", k.endpoint(),
                    k.counter().label(), k.label())
                .register(registry));
        cell = holder;
      }
      cell[0] = e.getValue();
    }
    controllerMeters
        .entrySet()
        .removeIf(
            e -> {
              if (live.contains(e.getKey())) {
                return false;
              }
              registry.remove(e.getValue());
              controllerValues.remove(e.getKey());
              return true;
            });
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    syncController();
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
