package dev.tollgate.sidecar;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.CallListener;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.api.Routes;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.export.PrometheusExporter;
import dev.tollgate.sidecar.ingest.IngestStats;
import dev.tollgate.sidecar.ingest.MetricIngest;
import dev.tollgate.sidecar.ingest.TraceIngest;
import dev.tollgate.sidecar.store.Flusher;
import dev.tollgate.sidecar.store.RollupStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
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

  /** A controller gauge not refreshed for this long is dropped (the agent went away). */
  static final Duration GAUGE_STALE_AFTER = Duration.ofMinutes(5);

  private final Config config;
  private final Aggregator aggregator;
  private final ControllerState controller;
  private final TraceIngest traces;
  private final RollupStore store;
  private final Flusher flusher;
  private final PrometheusExporter exporter;
  private final Javalin javalin;
  private final ScheduledExecutorService scheduler;
  private volatile boolean storeHealthy = true;
  private boolean started;
  private boolean closed;

  private App(Config config, Clock clock) throws IOException, SQLException {
    this.config = config;
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
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }

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
                return flusher.failures();
              }

              @Override
              public int pendingRows() {
                return flusher.pendingRows();
              }
            });
    traces.addListener(exporter);

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
            () -> storeHealthy);
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

  /** Registers a hook told of every ingested call. */
  public void addCallListener(CallListener listener) {
    traces.addListener(listener);
  }

  /** Writes everything changed to SQLite now; true when the store took it. */
  public boolean flush() {
    boolean ok = flusher.flush();
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
    } catch (RuntimeException e) {
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
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!flusher.flush()) {
      LOG.severe("could not write the last rollups to SQLite; they are lost");
    }
    try {
      store.close();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the store failed", e);
    }
    exporter.close();
  }
}
