package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes recording off the application's thread: a finished call is put in a bounded queue and a
 * daemon thread builds its span and metrics. When the queue is full the call is dropped and
 * counted, never waited for: a slow exporter costs telemetry, not latency.
 *
 * <p>The recorder is never woken per call. It drains the queue, then sleeps for {@link
 * #IDLE_NANOS}; a call offered meanwhile finds no waiting consumer to signal, so the application's
 * thread pays for an enqueue only, not for a wake-up (a system call and, on a busy machine, a
 * context switch). Telemetry arrives up to {@link #IDLE_NANOS} later, which nobody can see behind
 * a one-second span batch.
 */
public final class AsyncSink implements CallSink {
  static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final CallSink delegate;
  private final ArrayBlockingQueue<LlmCall> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread worker;
  private volatile boolean stopping;

  public AsyncSink(CallSink delegate, int capacity) {
    this.delegate = delegate;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(this::drain, "tollgate-recorder");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void record(LlmCall call) {
    if (!queue.offer(call)) {
      dropped.incrementAndGet();
      // A dropped call's kept body is parsed and let go here, so it no longer counts against the
      // bytes all deferred taps may keep.
      call.settle();
    }
  }

  @Override
  public boolean settlesLater() {
    return true;
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<LlmCall> batch = new ArrayList<>(256);
    while (true) {
      if (queue.drainTo(batch, 256) > 0) {
        for (LlmCall c : batch) {
          try {
            c.settle();
            delegate.record(c);
          } catch (Throwable ignored) {
            // one bad call must not stop the recorder
          }
        }
        batch.clear();
      } else if (stopping) {
        return; // stopping was set before this last, empty drain: nothing is left behind
      } else {
        LockSupport.parkNanos(this, IDLE_NANOS);
      }
    }
  }

  /** Records everything queued so far, then stops the recorder thread (idempotent). */
  public void stopAndDrain() {
    stopping = true;
    LockSupport.unpark(worker);
    try {
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records what is still queued, then shuts the delegate down (flushing its exporters). */
  @Override
  public void shutdown() {
    stopAndDrain();
    delegate.shutdown();
  }
}
