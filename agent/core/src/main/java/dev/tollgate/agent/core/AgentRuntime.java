package dev.tollgate.agent.core;

import dev.tollgate.agent.core.config.AgentConfig;
import dev.tollgate.agent.core.control.CallControl;
import dev.tollgate.agent.core.control.ControllerTelemetry;
import dev.tollgate.controller.Controller;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.agent.core.telemetry.AsyncSink;
import dev.tollgate.agent.core.telemetry.CallSink;
import dev.tollgate.agent.core.telemetry.CompositeSink;
import dev.tollgate.agent.core.telemetry.DebugLogSink;
import dev.tollgate.agent.core.telemetry.DeferredSink;
import dev.tollgate.agent.core.telemetry.OtelCallSink;
import dev.tollgate.agent.core.telemetry.ThrottledExporters;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's composition root: configuration, recognition, the call tracker and telemetry, wired
 * once at start-up. Advice reaches it through {@link #tracker()}, the one static entry point
 * inlined code can see; everything behind it is an ordinary instance.
 */
public final class AgentRuntime {
  private static volatile CallTracker tracker;
  private static volatile boolean shuttingDown;

  /** Held strongly: java.util.logging keeps only weak references to configured loggers. */
  private static Logger silencedSdkLogger;

  private AgentRuntime() {}

  /** The installed tracker, or null when the agent is off or not yet started. */
  public static CallTracker tracker() {
    return tracker;
  }

  /**
   * How long the OpenTelemetry SDK waits for a first call before it starts anyway (to export the
   * controller's gauges).
   */
  private static final long SDK_START_DELAY_SECONDS = 10;

  /**
   * Wires the runtime. The OpenTelemetry SDK starts on a daemon thread when the first call has
   * been recorded (or after {@value #SDK_START_DELAY_SECONDS} s), not while the application is
   * starting: building it (and the JDK HTTP client its exporter uses) takes a few hundred
   * milliseconds of CPU. Until it is up, finished calls wait in a bounded queue.
   */
  public static CallTracker start(AgentConfig config, java.io.PrintStream diagnostics) {
    DeferredSink otel = new DeferredSink(4096);
    List<CallSink> sinks = new ArrayList<>();
    if (config.exportEnabled) {
      sinks.add(otel);
    }
    if (config.debugCalls) {
      sinks.add(new DebugLogSink(diagnostics));
    }
    // Spans and metrics are built on the recorder thread, not on the application's.
    AsyncSink sink = new AsyncSink(new CompositeSink(sinks), 8192);
    CallControl control = null;
    if (!config.policies.isEmpty()) {
      control = new CallControl(Controller.builder().endpoints(config.policies).build());
    }
    CallTracker t = new CallTracker(new Recognizer(config.endpoints), sink, NanoClock.SYSTEM, control);
    final CallControl controlForMetrics = control;
    tracker = t;
    Thread init = null;
    if (config.exportEnabled) {
      init =
          new Thread(
              () -> {
                try {
                  boolean called = otel.awaitFirstRecord(SDK_START_DELAY_SECONDS, TimeUnit.SECONDS);
                  if (!called && shuttingDown) {
                    return; // a process that made no call exits without building the SDK
                  }
                  ThrottledExporters.Reporter reporter =
                      new ThrottledExporters.Reporter(m -> diagnostics.println("[tollgate] " + m));
                  OtelCallSink real = createOtelSink(config, reporter);
                  // Every call the agent recorded but could not export, wherever it was lost:
                  // the recorder's queue, the start-up queue, or a failed export.
                  real.meter()
                      .counterBuilder(Tollgate.METRIC_EXPORT_DROPS)
                      .setDescription("Telemetry the agent could not export: calls dropped from a full queue, spans and metric streams whose export failed.")
                      .buildWithCallback(
                          m -> m.record(sink.dropped() + otel.dropped() + reporter.failedItems()));
                  if (controlForMetrics != null) {
                    ControllerTelemetry.register(real.meter(), controlForMetrics);
                  }
                  otel.setTarget(real);
                } catch (Throwable e) {
                  diagnostics.println("[tollgate] telemetry export disabled: " + e);
                }
              },
              "tollgate-init");
      init.setDaemon(true);
      init.start();
    }
    final Thread initThread = init;
    Thread hook =
        new Thread(
            () -> {
              try {
                // Calls made before the SDK was up wait in the deferred sink: let it arrive, then
                // flush everything, so a short-lived process loses nothing.
                shuttingDown = true;
                sink.stopAndDrain(); // every recorded call reaches the deferred sink first
                otel.wakeUp();
                if (initThread != null) {
                  initThread.join(5000);
                }
                sink.shutdown();
              } catch (Throwable ignored) {
                // exiting anyway
              }
            },
            "tollgate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return t;
  }

  /** For tests that install a tracker directly. */
  public static void install(CallTracker t) {
    tracker = t;
  }

  private static OtelCallSink createOtelSink(
      AgentConfig config, ThrottledExporters.Reporter reporter) {
    // The SDK reports export failures through java.util.logging, possibly every few seconds; ours
    // are counted and reported once a minute instead (ThrottledExporters).
    Logger sdk = Logger.getLogger(io.opentelemetry.sdk.OpenTelemetrySdk.class.getPackage().getName().replace(".sdk", ""));
    sdk.setLevel(Level.OFF);
    silencedSdkLogger = sdk;
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", config.serviceName)
                        .put("telemetry.distro.name", "tollgate")
                        .build()));
    return new OtelCallSink(config, resource, reporter);
  }
}
