package dev.tollgate.sidecar;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.CallListener;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.alerts.AlertEngine;
import dev.tollgate.sidecar.alerts.LiveMetrics;
import dev.tollgate.sidecar.alerts.Notifier;
import dev.tollgate.sidecar.alerts.Rule;
import dev.tollgate.sidecar.alerts.RuleFiles;
import dev.tollgate.sidecar.alerts.RuleSet;
import dev.tollgate.sidecar.api.Routes;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.costs.Budgets;
import dev.tollgate.sidecar.costs.CostCalculator;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.CostService;
import dev.tollgate.sidecar.costs.PriceBook;
import dev.tollgate.sidecar.export.PrometheusExporter;
import dev.tollgate.sidecar.ingest.IngestStats;
import dev.tollgate.sidecar.ingest.MetricIngest;
import dev.tollgate.sidecar.ingest.TraceIngest;
import dev.tollgate.sidecar.store.CostFlusher;
import dev.tollgate.sidecar.store.CostStore;
import dev.tollgate.sidecar.store.Flusher;
import dev.tollgate.sidecar.store.RollupStore;
import dev.tollgate.sidecar.store.SqliteAlertStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The composition root: builds every part from a {@link Config} and wires them together. {@link
 * #create} leaves the HTTP server unstarted (for JavalinTest); {@link #start} starts it. {@link
 * #close} stops taking requests, writes everything still in memory to SQLite, and closes the file.
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(App.class.getName());

  /** How far back queries can look; also how much history is reloaded at start. */
  static final Duration MEMORY_WINDOW = Duration.ofHours(24);

  /** Alert history older than this, or beyond this many rows, is deleted. */
  static final Duration HISTORY_RETENTION = Duration.ofDays(90);

  static final int HISTORY_ROWS = 100_000;

  /** A controller gauge not refreshed for this long is dropped (the agent went away). */
  static final Duration GAUGE_STALE_AFTER = Duration.ofMinutes(5);

  private final Config config;
  private final Aggregator aggregator;
  private final ControllerState controller;
  private final TraceIngest traces;
  private final RollupStore store;
  private final Flusher flusher;
  private final PrometheusExporter exporter;
  private final PriceBook prices;
  private final CostLedger ledger;
  private final CostFlusher costFlusher;
  private final Budgets budgets;
  private final RuleSet ruleSet;
  private final AlertEngine alerts;
  private final Notifier notifier;
  private final SqliteAlertStore alertStore;
  private final Javalin javalin;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService evaluator;
  private final Clock clock;
  private volatile boolean storeHealthy = true;
  private volatile boolean started;
  private boolean closed;

  private App(Config config, Clock clock) throws IOException, SQLException {
    this.config = config;
    this.clock = clock;
    aggregator = new Aggregator(clock, config.maxSeries(), MEMORY_WINDOW);
    controller = new ControllerState(clock, GAUGE_STALE_AFTER, config.maxSeries());
    IngestStats stats = new IngestStats();
    traces = new TraceIngest(aggregator, stats);
    MetricIngest metrics = new MetricIngest(controller, stats);

    store = RollupStore.open(config.dataDir());
    try {
      flusher = new Flusher(aggregator, store, clock, config.retention());
      flusher.prune();
      long from = Math.floorDiv(clock.millis(), 60_000L) - MEMORY_WINDOW.toMinutes();
      aggregator.restore(store.loadSince(from));
      try {
        prices = PriceBook.load(config.pricesFile(), config.costs());
      } catch (IOException e) {
        throw new IllegalStateException("cannot load prices: " + e.getMessage(), e);
      }
      ledger = new CostLedger(clock, config.timezone());
      costFlusher = new CostFlusher(ledger, new CostStore(store));
      costFlusher.restore(clock.millis());
      costFlusher.prune();
      Set<String> receiverNames = new HashSet<>();
      config.receivers().forEach(r -> receiverNames.add(r.name()));
      try {
        ruleSet = RuleFiles.load(config.rulesFile(), receiverNames);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the rules file: " + e.getMessage(), e);
      }
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }
    for (RuleSet.LoadError e : ruleSet.errors()) {
      LOG.warning("rules " + ruleSet.source() + ": " + e + " (the rule is skipped)");
    }
    budgets = new Budgets(config.budgets(), ledger);

    exporter =
        new PrometheusExporter(
            controller,
            aggregator,
            stats,
            new PrometheusExporter.SelfMetrics() {
              @Override
              public long rowsWritten() {
                return flusher.rowsWritten();
              }

              @Override
              public long failures() {
                return flusher.failures() + costFlusher.failures();
              }

              @Override
              public int pendingRows() {
                return flusher.pendingRows();
              }
            });
    traces.addListener(exporter);
    CostService costs = new CostService(new CostCalculator(prices), ledger);
    costs.addListener(exporter);
    traces.addListener(costs);
    exporter.bindCosts(ledger);
    exporter.bindBudgets(budgets);

    List<Rule> rules = new ArrayList<>(ruleSet.rules());
    rules.addAll(RuleFiles.budgetRules(config.budgets(), ruleSet.rules()));
    notifier = new Notifier(config.receivers(), clock, config.evalInterval());
    alertStore = new SqliteAlertStore(store);
    alerts =
        new AlertEngine(
            clock,
            rules,
            new LiveMetrics(aggregator, controller, ledger, budgets),
            notifier,
            alertStore,
            this::baseUrl);
    exporter.bindAlerts(alerts, notifier, ruleSet.errors().size());

    Routes routes =
        new Routes(
            config.token(),
            config.maxBodyBytes(),
            traces,
            metrics,
            stats,
            aggregator,
            controller,
            exporter,
            () -> storeHealthy,
            ledger,
            prices,
            budgets,
            alerts,
            ruleSet,
            config.receivers(),
            config.evalInterval());
    javalin = Javalin.create(routes::configure);

    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tollgate-sidecar-housekeeping");
              t.setDaemon(true);
              return t;
            });
    long flushMillis = config.flushInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::housekeeping, 1, 1, TimeUnit.MINUTES);
    // Alert evaluation has its own thread: a slow flush or prune never delays it.
    evaluator =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tollgate-sidecar-alerts");
              t.setDaemon(true);
              return t;
            });
    long evalMillis = config.evalInterval().toMillis();
    evaluator.scheduleAtFixedRate(
        this::evaluateQuietly, evalMillis, evalMillis, TimeUnit.MILLISECONDS);
  }

  /** Builds the sidecar with the system clock; the HTTP server is not started. */
  public static App create(Config config) {
    return create(config, Clock.systemUTC());
  }

  /** Builds the sidecar; the HTTP server is not started. */
  public static App create(Config config, Clock clock) {
    try {
      return new App(config, clock);
    } catch (IOException | SQLException e) {
      throw new IllegalStateException(
          "cannot open the data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /** Builds the sidecar and starts listening on the configured address and port. */
  public static App start(Config config) {
    return start(config, Clock.systemUTC());
  }

  public static App start(Config config, Clock clock) {
    App app = create(config, clock);
    try {
      app.javalin.start(config.bind(), config.port());
      app.started = true;
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw new IllegalStateException(
          "cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }

  /** The HTTP server (unstarted after {@link #create}). */
  public Javalin javalin() {
    return javalin;
  }

  /** The port the server listens on (after {@link #start}). */
  public int port() {
    return javalin.port();
  }

  public Config config() {
    return config;
  }

  /** The read side for costs, budgets and alerts (issue 6). */
  public Aggregator aggregator() {
    return aggregator;
  }

  public ControllerState controller() {
    return controller;
  }

  public PriceBook prices() {
    return prices;
  }

  public CostLedger costs() {
    return ledger;
  }

  public Budgets budgets() {
    return budgets;
  }

  public AlertEngine alerts() {
    return alerts;
  }

  public Notifier notifier() {
    return notifier;
  }

  /** The rules file as loaded, with the rules that failed to load. */
  public RuleSet rules() {
    return ruleSet;
  }

  /** This sidecar's URL for alert links: external-url, else http://bind:port. */
  private String baseUrl() {
    return config.baseUrl(started ? javalin.port() : config.port());
  }

  /** Evaluates the alert rules now (tests; the sidecar also does it every eval-interval). */
  public void evaluateAlerts() {
    alerts.evaluate();
  }

  private void evaluateQuietly() {
    try {
      alerts.evaluate();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "alert evaluation failed", e);
    }
  }

  /** Registers a hook told of every ingested call. */
  public void addCallListener(CallListener listener) {
    traces.addListener(listener);
  }

  /** Writes everything changed to SQLite now; true when the store took it. */
  public boolean flush() {
    boolean ok = flusher.flush();
    ok &= costFlusher.flush();
    storeHealthy = ok;
    return ok;
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "flush failed", e);
    }
  }

  private void housekeeping() {
    try {
      exporter.forget(aggregator.evictIdle());
      flusher.prune();
      costFlusher.prune();
      alertStore.pruneHistory(clock.instant().minus(HISTORY_RETENTION), HISTORY_ROWS);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "housekeeping failed", e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      javalin.stop(); // no new requests; those in flight finish first
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stopping the HTTP server failed", e);
    }
    evaluator.shutdown();
    scheduler.shutdown();
    try {
      evaluator.awaitTermination(10, TimeUnit.SECONDS);
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    notifier.close(Duration.ofSeconds(2));
    if (!flusher.flush()) {
      LOG.severe("could not write the last rollups to SQLite; they are lost");
    }
    if (!costFlusher.flush()) {
      LOG.severe("could not write the last cost buckets to SQLite; they are lost");
    }
    try {
      store.close();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the store failed", e);
    }
    exporter.close();
  }
}
