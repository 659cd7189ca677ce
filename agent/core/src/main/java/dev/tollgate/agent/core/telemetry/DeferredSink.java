package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the real sink while the OpenTelemetry SDK starts on a background thread, so that
 * premain stays short and the application's first call never waits for the SDK. Calls recorded
 * before then are held in a bounded queue and handed over when the real sink arrives; beyond the
 * bound they are dropped and counted.
 */
public final class DeferredSink implements CallSink {
  private final ArrayBlockingQueue<LlmCall> pending;
  private final AtomicLong dropped = new AtomicLong();
  private volatile CallSink target;

  public DeferredSink(int capacity) {
    this.pending = new ArrayBlockingQueue<>(capacity);
  }

  @Override
  public void record(LlmCall call) {
    CallSink t = target;
    if (t != null) {
      t.record(call);
      return;
    }
    if (!pending.offer(call)) {
      dropped.incrementAndGet();
    }
    // The target may have arrived between the read and the offer: drain so nothing is stranded.
    t = target;
    if (t != null) {
      drainTo(t);
    }
  }

  /** Installs the real sink and hands it everything recorded so far. */
  public void setTarget(CallSink sink) {
    target = sink;
    drainTo(sink);
  }

  private void drainTo(CallSink sink) {
    LlmCall c;
    while ((c = pending.poll()) != null) {
      sink.record(c);
    }
  }

  public long dropped() {
    return dropped.get();
  }

  @Override
  public void shutdown() {
    CallSink t = target;
    if (t != null) {
      t.shutdown();
    }
  }
}
