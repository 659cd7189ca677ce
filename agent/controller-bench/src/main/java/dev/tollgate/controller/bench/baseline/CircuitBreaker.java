package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import dev.tollgate.controller.time.NanoClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CLOSED / OPEN / HALF_OPEN over a count-based or time-based window, lock-free.
 *
 * <p>The state is one immutable-ish object in a volatile field; every transition is a CAS from the
 * exact state object a decision was based on, so only one thread makes it and it happens once.
 * {@link #tryAcquire} returns that state object as the call's {@link Ticket}: an outcome is
 * recorded against the state the call was admitted in, and one admitted before a transition cannot
 * count in the next state (a slow call from CLOSED is not mistaken for a half-open probe). Each
 * CLOSED state has its own fresh window, so closing resets the statistics.
 *
 * <ul>
 *   <li>CLOSED: every call passes. A failed or slow outcome that brings the failure rate or the
 *       slow-call rate to its threshold, once the window holds {@code min_calls}, opens it.
 *   <li>OPEN: calls are refused until {@code open_for} has passed; the first call after that moves
 *       it to HALF_OPEN (lazily, no timer thread).
 *   <li>HALF_OPEN: {@code half_open_calls} probes pass. As soon as their failures (or slow calls)
 *       reach the threshold share of the probes it opens again; when all have succeeded it closes.
 *       A probe released without an outcome gives its permit back. A probe that never completes
 *       cannot keep it there: after {@code half_open_timeout} the next call re-opens it.
 * </ul>
 *
 * <p>Each ticket must get exactly one {@link #onResult} or {@link #release}; the controller's
 * admission object guarantees that.
 */
public final class CircuitBreaker {
  /** Told about every transition, on the thread that made it. Must be quick and not throw. */
  public interface Listener {
    void onTransition(BreakerState from, BreakerState to, String reason);
  }

  /** What a call was admitted under; pass it back with the outcome. */
  public abstract static class Ticket {
    final BreakerState state;

    Ticket(BreakerState state) {
      this.state = state;
    }
  }

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CircuitBreaker.class, "current", Ticket.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CircuitBreakerPolicy policy;
  private final Listener listener;

  /** The current state; a field of this object, read on every call and written on transitions. */
  @SuppressWarnings("unused") // accessed through STATE too
  private volatile Ticket current;

  public CircuitBreaker(CircuitBreakerPolicy policy, Listener listener) {
    this.policy = policy;
    this.listener = listener;
    this.current = new Closed(newWindow());
  }

  /**
   * Like {@link #tryAcquire(long)}, reading the clock only when the breaker is not closed: the
   * closed path is one volatile read.
   */
  public Ticket tryAcquire(NanoClock clock) {
    Ticket s = current;
    return s.state == BreakerState.CLOSED ? s : tryAcquire(clock.nanoTime());
  }

  /**
   * True when {@link #onResult} needs the current time for this outcome: only a failure, a slow
   * call, a probe or a time-based window can move the state or need a timestamp; a success on a
   * count window does not.
   */
  public boolean needsTime(Ticket ticket, boolean failed, long durationNanos) {
    return failed
        || ticket.state != BreakerState.CLOSED
        || policy.timeBased()
        || (policy.slowCallNanos() > 0 && durationNanos >= policy.slowCallNanos());
  }

  /** Returns the ticket of an admitted call, or null when the breaker refuses it. */
  public Ticket tryAcquire(long now) {
    for (; ; ) {
      Ticket s = current;
      if (s.state == BreakerState.CLOSED) {
        return s;
      }
      if (s.state == BreakerState.OPEN) {
        Open o = (Open) s;
        if (now - o.until < 0) {
          return null;
        }
        transition(
            s,
            new HalfOpen(now + policy.halfOpenTimeoutNanos(), policy.halfOpenCalls()),
            "open for " + human(policy.openForNanos()) + "; probing");
        continue;
      }
      HalfOpen h = (HalfOpen) s;
      if (h.tryTakePermit()) {
        return h;
      }
      if (now - h.deadline >= 0) {
        transition(
            h,
            new Open(
                now + policy.openForNanos(),
                "half-open probes did not complete within " + human(policy.halfOpenTimeoutNanos())),
            "half-open probes did not complete within " + human(policy.halfOpenTimeoutNanos()));
        continue;
      }
      return null;
    }
  }

  /**
   * Records the outcome of an admitted call.
   *
   * @param failed the call counts as a failure (5xx, timeout, connection error, ...)
   * @param durationNanos the call's duration for the slow-call check (time to first chunk for a
   *     stream)
   */
  public void onResult(Ticket ticket, boolean failed, long durationNanos, long now) {
    boolean slow = policy.slowCallNanos() > 0 && durationNanos >= policy.slowCallNanos();
    int outcome = Window.OK | (failed ? Window.FAILED : 0) | (slow ? Window.SLOW : 0);
    if (ticket.state == BreakerState.CLOSED) {
      Closed c = (Closed) ticket;
      long totals = c.window.record(outcome, now);
      if ((failed || slow) && current == c) {
        String reason = tripReason(totals);
        if (reason != null) {
          transition(c, new Open(now + policy.openForNanos(), reason), reason);
        }
      }
    } else if (ticket.state == BreakerState.HALF_OPEN) {
      HalfOpen h = (HalfOpen) ticket;
      if (current != h) {
        return;
      }
      int failures = failed ? h.failures.incrementAndGet() : h.failures.get();
      int slows = slow ? h.slows.incrementAndGet() : h.slows.get();
      int done = h.completed.incrementAndGet();
      int n = policy.halfOpenCalls();
      if (failures >= policy.failureRate() * n) {
        String reason = failures + " of " + n + " half-open probes failed";
        transition(h, new Open(now + policy.openForNanos(), reason), reason);
      } else if (policy.slowCallNanos() > 0 && slows >= policy.slowCallRate() * n) {
        String reason = slows + " of " + n + " half-open probes were slow";
        transition(h, new Open(now + policy.openForNanos(), reason), reason);
      } else if (done >= n) {
        transition(h, new Closed(newWindow()), n + " half-open probes succeeded");
      }
    }
  }

  /** Gives a ticket back without an outcome (a cancelled call, or a 429 that is not counted). */
  public void release(Ticket ticket) {
    if (ticket.state == BreakerState.HALF_OPEN && current == ticket) {
      ((HalfOpen) ticket).permits.incrementAndGet();
    }
  }

  private String tripReason(long totals) {
    int calls = Window.calls(totals);
    if (calls < policy.minCalls() || calls <= 0) {
      return null;
    }
    int failures = Window.failures(totals);
    if (failures >= policy.failureRate() * calls) {
      return failures
          + " of the last "
          + calls
          + " calls failed (threshold "
          + percent(policy.failureRate())
          + ")";
    }
    int slow = Window.slow(totals);
    if (policy.slowCallNanos() > 0 && slow >= policy.slowCallRate() * calls) {
      return slow
          + " of the last "
          + calls
          + " calls took "
          + human(policy.slowCallNanos())
          + " or longer (threshold "
          + percent(policy.slowCallRate())
          + ")";
    }
    return null;
  }

  private void transition(Ticket from, Ticket to, String reason) {
    if (STATE.compareAndSet(this, from, to) && listener != null) {
      listener.onTransition(from.state, to.state, reason);
    }
  }

  private Window newWindow() {
    return policy.timeBased()
        ? new TimeWindow(policy.windowNanos())
        : new CountWindow(policy.windowSize());
  }

  public BreakerState state() {
    return current.state;
  }

  /**
   * Nanoseconds until a refused call could be let through: the rest of the open period, or while
   * half-open probes are out, the rest of their time limit. 0 when closed.
   */
  public long retryAfterNanos(long now) {
    Ticket s = current;
    if (s.state == BreakerState.OPEN) {
      return Math.max(0, ((Open) s).until - now);
    }
    if (s.state == BreakerState.HALF_OPEN) {
      return Math.max(0, ((HalfOpen) s).deadline - now);
    }
    return 0;
  }

  /** Why the breaker last opened (null if it is not open). */
  public String openReason() {
    Ticket s = current;
    return s.state == BreakerState.OPEN ? ((Open) s).reason : null;
  }

  /** Calls, failures and slow calls in the current closed window ({0,0,0} when not closed). */
  public int[] windowCounts(long now) {
    Ticket s = current;
    if (s.state != BreakerState.CLOSED) {
      return new int[3];
    }
    long t = ((Closed) s).window.totals(now);
    return new int[] {Window.calls(t), Window.failures(t), Window.slow(t)};
  }

  public CircuitBreakerPolicy policy() {
    return policy;
  }

  static String percent(double share) {
    double p = share * 100;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  static String human(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    if (nanos % 1_000_000_000L == 0) {
      return d.getSeconds() + "s";
    }
    if (nanos < 1_000_000_000L) {
      return d.toMillis() + "ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
  }

  @Override
  public String toString() {
    return "CircuitBreaker{" + state() + "}";
  }

  private static final class Closed extends Ticket {
    final Window window;

    Closed(Window window) {
      super(BreakerState.CLOSED);
      this.window = window;
    }
  }

  private static final class Open extends Ticket {
    final long until;
    final String reason;

    Open(long until, String reason) {
      super(BreakerState.OPEN);
      this.until = until;
      this.reason = reason;
    }
  }

  private static final class HalfOpen extends Ticket {
    final long deadline;
    final AtomicInteger permits;
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger slows = new AtomicInteger();

    HalfOpen(long deadline, int permits) {
      super(BreakerState.HALF_OPEN);
      this.deadline = deadline;
      this.permits = new AtomicInteger(permits);
    }

    boolean tryTakePermit() {
      for (; ; ) {
        int p = permits.get();
        if (p <= 0) {
          return false;
        }
        if (permits.compareAndSet(p, p - 1)) {
          return true;
        }
      }
    }
  }
}
