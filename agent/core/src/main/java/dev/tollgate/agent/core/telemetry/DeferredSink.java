package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private final CountDownLatch firstRecord = new CountDownLatch(1);
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
    // Only now, with the call queued: a waiter woken earlier could find the queue still empty,
    // and at shutdown it would then leave without building the SDK, losing the call.
    if (firstRecord.getCount() != 0) {
      firstRecord.countDown();
    }
    // The target may have arrived between the read and the offer: drain so nothing is stranded.
    t = target;
    if (t != null) {
      drainTo(t);
    }
  }

  /**
   * Waits until a call is recorded, {@link #wakeUp()} is called or the timeout passes; true when
   * a call has been recorded.
   */
  public boolean awaitFirstRecord(long timeout, TimeUnit unit) throws InterruptedException {
    firstRecord.await(timeout, unit);
    return !pending.isEmpty() || target != null;
  }

  /** Ends {@link #awaitFirstRecord} early (at shutdown). */
  public void wakeUp() {
    firstRecord.countDown();
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
