package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.time.NanoClock;
import dev.tollgate.controller.time.Sleeper;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cap on calls in flight with a bounded FIFO wait queue. The uncontended path is one CAS on the
 * in-flight count; only a call that has to wait takes the lock, allocates a queue node and parks. A
 * release hands the freed slot to the oldest waiter, so waiters are served in order and a newcomer
 * cannot overtake the queue.
 *
 * <p>This is the raw, semaphore-like API: each successful {@link #tryAcquire} or {@link #acquire}
 * must be matched by exactly one {@link #release}. {@link #acquirePermit} wraps that in a {@link
 * Permit} whose release is idempotent, for direct use; the controller's admission object gives the
 * same guarantee.
 *
 * <p>The limit can change at run time ({@link #setLimit}, used by {@link AdaptiveLimit}): raising
 * it lets waiters in at once; lowering it lets calls in flight finish and admits no more until the
 * count is below the new limit.
 */
public final class ConcurrencyLimiter {
  /** Outcome of a blocking {@link #acquire}. */
  public enum Result {
    GRANTED,
    /** The wait queue was full (or there is none): failed at once. */
    QUEUE_FULL,
    /** Waited the maximum time without getting a slot. */
    TIMED_OUT,
    /** The thread was interrupted while waiting; its interrupt flag is set again. */
    INTERRUPTED
  }

  /** In-flight count alone in the middle of a padded array (see {@code TokenBucket}). */
  private static final int IN_FLIGHT = 32;

  private final int queueCapacity;
  private final NanoClock clock;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock();

  private final AtomicIntegerArray counts = new AtomicIntegerArray(2 * IN_FLIGHT + 1);
  private volatile int limit;

  /** Waiting calls; written under the lock, read without it. */
  private volatile int queued;

  private Node head;
  private Node tail;

  public ConcurrencyLimiter(int limit, int queueCapacity, NanoClock clock, Sleeper sleeper) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must not be negative: " + queueCapacity);
    }
    this.limit = limit;
    this.queueCapacity = queueCapacity;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Takes a slot if one is free and nobody is waiting; never blocks. */
  public boolean tryAcquire() {
    return queued == 0 && tryIncrement();
  }

  /**
   * Takes a slot, waiting up to {@code maxWaitNanos} in the queue if none is free. Returns {@link
   * Result#QUEUE_FULL} at once when the queue holds {@code queueCapacity} calls already.
   */
  public Result acquire(long maxWaitNanos) {
    if (queued == 0 && tryIncrement()) {
      return Result.GRANTED;
    }
    Node node;
    lock.lock();
    try {
      // Count ourselves before the last look at the slots: a release that misses this count has
      // already freed its slot, so the look below sees it (no lost wake-up).
      queued++;
      if (head == null && tryIncrement()) {
        queued--;
        return Result.GRANTED;
      }
      if (queued > queueCapacity) {
        queued--;
        return Result.QUEUE_FULL;
      }
      node = new Node(Thread.currentThread());
      if (tail == null) {
        head = node;
      } else {
        tail.next = node;
        node.prev = tail;
      }
      tail = node;
    } finally {
      lock.unlock();
    }
    return await(node, maxWaitNanos);
  }

  private Result await(Node node, long maxWaitNanos) {
    long deadline = clock.nanoTime() + maxWaitNanos;
    boolean interrupted = false;
    while (!node.granted) {
      long remaining = deadline - clock.nanoTime();
      if (remaining <= 0) {
        break;
      }
      if (Thread.interrupted()) {
        interrupted = true;
        break;
      }
      sleeper.park(remaining);
    }
    if (!node.granted) {
      lock.lock();
      try {
        if (!node.granted) {
          unlink(node);
          queued--;
        }
      } finally {
        lock.unlock();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (node.granted) {
      return Result.GRANTED;
    }
    return interrupted ? Result.INTERRUPTED : Result.TIMED_OUT;
  }

  /** Frees a slot taken by {@link #tryAcquire} or {@link #acquire}; hands it to a waiter if any. */
  public void release() {
    int after = counts.decrementAndGet(IN_FLIGHT);
    if (after < 0) {
      counts.incrementAndGet(IN_FLIGHT);
      throw new IllegalStateException("release() without a matching acquire");
    }
    if (queued != 0) {
      drain();
    }
  }

  /** Like {@link #acquire}, returning a permit whose release is idempotent; null when refused. */
  public Permit acquirePermit(long maxWaitNanos) {
    return acquire(maxWaitNanos) == Result.GRANTED ? new Permit(this) : null;
  }

  /** Changes the limit; waiters are let in at once when it grows. */
  public void setLimit(int newLimit) {
    if (newLimit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + newLimit);
    }
    int old = limit;
    limit = newLimit;
    if (newLimit > old && queued != 0) {
      drain();
    }
  }

  private void drain() {
    lock.lock();
    try {
      Node n;
      while ((n = head) != null && tryIncrement()) {
        unlink(n);
        queued--;
        n.granted = true;
        LockSupport.unpark(n.thread);
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean tryIncrement() {
    for (; ; ) {
      int c = counts.get(IN_FLIGHT);
      if (c >= limit) {
        return false;
      }
      if (counts.compareAndSet(IN_FLIGHT, c, c + 1)) {
        return true;
      }
      Thread.onSpinWait();
    }
  }

  private void unlink(Node n) {
    if (n.prev == null) {
      head = n.next;
    } else {
      n.prev.next = n.next;
    }
    if (n.next == null) {
      tail = n.prev;
    } else {
      n.next.prev = n.prev;
    }
    n.prev = null;
    n.next = null;
  }

  public int limit() {
    return limit;
  }

  public int inFlight() {
    return counts.get(IN_FLIGHT);
  }

  /** Calls waiting for a slot. */
  public int queueDepth() {
    return queued;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  @Override
  public String toString() {
    return "ConcurrencyLimiter{limit="
        + limit
        + ", inFlight="
        + inFlight()
        + ", queued="
        + queued
        + "/"
        + queueCapacity
        + "}";
  }

  private static final class Node {
    final Thread thread;
    volatile boolean granted;
    Node prev;
    Node next;

    Node(Thread thread) {
      this.thread = thread;
    }
  }

  /** One slot; {@link #release()} frees it once, however often it is called. */
  public static final class Permit implements AutoCloseable {
    private static final VarHandle RELEASED;

    static {
      try {
        RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final ConcurrencyLimiter limiter;

    @SuppressWarnings("unused") // accessed through RELEASED
    private volatile int released;

    Permit(ConcurrencyLimiter limiter) {
      this.limiter = limiter;
    }

    /** Frees the slot the first time; later calls do nothing. Returns true the first time. */
    public boolean release() {
      if (RELEASED.compareAndSet(this, 0, 1)) {
        limiter.release();
        return true;
      }
      return false;
    }

    @Override
    public void close() {
      release();
    }
  }
}
