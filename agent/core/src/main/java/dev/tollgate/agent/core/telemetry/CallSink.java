package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;

/** Receives each finished call. Implementations must be fast and must never throw. */
public interface CallSink {
  void record(LlmCall call);

  /** Flushes what is pending; called once when the JVM shuts down. */
  default void shutdown() {}

  /**
   * True when {@link #record} only hands the call to another thread, which calls {@link
   * dev.tollgate.agent.core.call.LlmCall#settle()} before reading it: the response may then be
   * parsed there rather than on the application's thread.
   */
  default boolean settlesLater() {
    return false;
  }
}
