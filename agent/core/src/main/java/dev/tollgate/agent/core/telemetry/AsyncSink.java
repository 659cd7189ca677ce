package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes recording off the application's thread: a finished call is put in a bounded queue (a few
 * hundred nanoseconds) and a daemon thread builds its span and metrics. When the queue is full the
 * call is dropped and counted, never waited for: a slow exporter costs telemetry, not latency.
 */
public final class AsyncSink implements CallSink {
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
    }
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<LlmCall> batch = new ArrayList<>(256);
    while (!stopping || !queue.isEmpty()) {
      try {
        LlmCall first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        for (LlmCall c : batch) {
          try {
            delegate.record(c);
          } catch (Throwable ignored) {
            // one bad call must not stop the recorder
          }
        }
        batch.clear();
      } catch (InterruptedException e) {
        // shutdown() interrupts only after setting stopping; keep draining what is left
      }
    }
  }

  /** Records what is still queued, then shuts the delegate down (flushing its exporters). */
  @Override
  public void shutdown() {
    stopping = true;
    try {
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delegate.shutdown();
  }
}
