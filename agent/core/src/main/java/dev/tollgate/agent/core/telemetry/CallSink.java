package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;

/** Receives each finished call. Implementations must be fast and must never throw. */
public interface CallSink {
  void record(LlmCall call);

  /** Flushes what is pending; called once when the JVM shuts down. */
  default void shutdown() {}
}
