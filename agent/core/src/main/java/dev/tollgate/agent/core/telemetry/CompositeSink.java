package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.List;

/** Hands each call to several sinks; one failing sink does not stop the others. */
public final class CompositeSink implements CallSink {
  private final CallSink[] sinks;

  public CompositeSink(List<CallSink> sinks) {
    this.sinks = sinks.toArray(new CallSink[0]);
  }

  @Override
  public void record(LlmCall call) {
    for (CallSink s : sinks) {
      try {
        s.record(call);
      } catch (Throwable ignored) {
        // isolate sinks from each other
      }
    }
  }

  @Override
  public void shutdown() {
    for (CallSink s : sinks) {
      try {
        s.shutdown();
      } catch (Throwable ignored) {
        // best effort at exit
      }
    }
  }
}
