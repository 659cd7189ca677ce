package dev.tollgate.controller;

import dev.tollgate.controller.breaker.CircuitBreaker;
import dev.tollgate.controller.policy.ErrorKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The permit of one admitted call. Finish it exactly once, in a {@code finally}: {@link #onResult}
 * when the call ended with an outcome (it records the outcome and releases), or {@link #release()}
 * when it ended without one (cancelled, or the application stopped reading). Both are idempotent
 * and safe from any thread: whichever comes first wins, later calls do nothing, so a permit can
 * never be released twice or leak a slot.
 *
 * <p>Calls to an endpoint with nothing to enforce get one shared no-op instance: no allocation.
 * Otherwise a permit is one small object (24 bytes with compressed references), and a larger one
 * only when the call charged the token budget or waited: the per-call flag that makes finishing
 * idempotent has to live somewhere.
 */
public class Admission implements AutoCloseable {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(Admission.class, "done", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final Admission NOOP = new Admission(null, null);

  private final EndpointState state;
  private final CircuitBreaker.Ticket ticket;

  @SuppressWarnings("unused") // accessed through DONE
  private volatile int done;

  /** Package-private: permits are made by the {@link Controller} only. */
  Admission(EndpointState state, CircuitBreaker.Ticket ticket) {
    this.state = state;
    this.ticket = ticket;
  }

  /** A permit for a call that charged the token budget or waited in admission. */
  static final class Charged extends Admission {
    private final long tokens;
    private final long waitedNanos;

    Charged(EndpointState state, CircuitBreaker.Ticket ticket, long tokens, long waitedNanos) {
      super(state, ticket);
      this.tokens = tokens;
      this.waitedNanos = waitedNanos;
    }

    @Override
    public long waitedNanos() {
      return waitedNanos;
    }

    @Override
    public long chargedTokens() {
      return tokens;
    }
  }

  /**
   * Records how the call ended and releases the permit. Feeds the breaker (5xx, 529, timeouts,
   * connection and stream errors are failures; 429 only if configured; a cancelled call counts for
   * nothing), the adaptive limit (latency normalized by time to first chunk or per output token;
   * 429/5xx/timeouts as overload), and the token budget (the estimate charged at admission is
   * corrected to {@code totalTokens}).
   *
   * @param status HTTP status, 0 when none was received
   * @param kind transport error, {@link ErrorKind#NONE} when the status says it all
   * @param latencyNanos from sending the request to the end of the response
   * @param ttftNanos time to the first generated chunk of a stream; 0 or -1 when not streaming
   * @param outputTokens output tokens reported, -1 when unknown
   * @param totalTokens total tokens reported (input + output), -1 when unknown
   */
  public void onResult(
      int status,
      ErrorKind kind,
      long latencyNanos,
      long ttftNanos,
      long outputTokens,
      long totalTokens) {
    EndpointState s = state;
    if (s == null || !DONE.compareAndSet(this, 0, 1)) {
      return;
    }
    long tokens = chargedTokens();
    // An admitted call holds a slot whenever the endpoint has a concurrency limit.
    boolean slot = s.limiter != null;
    boolean settle = tokens > 0 && totalTokens >= 0 && s.tokens != null;
    boolean adapt = slot && s.adaptive != null && kind != ErrorKind.CANCELLED;
    int outcome = ticket != null ? s.breakerOutcome(status, kind) : EndpointState.IGNORED;
    boolean failed = outcome == EndpointState.FAILED;
    long duration = ttftNanos > 0 ? ttftNanos : latencyNanos;
    // The clock is read only when something needs it: a success on a plain count window does not.
    long now =
        settle
                || adapt
                || (outcome != EndpointState.IGNORED
                    && s.breaker.needsTime(ticket, failed, duration))
            ? s.controller.clock.nanoTime()
            : 0;
    if (settle) {
      s.tokens.settle(totalTokens - tokens, now);
    }
    if (outcome != EndpointState.IGNORED) {
      s.breaker.onResult(ticket, failed, duration, now);
    } else if (ticket != null) {
      s.breaker.release(ticket);
    }
    if (slot) {
      if (adapt) {
        adapt(s, status, kind, latencyNanos, ttftNanos, outputTokens, now);
      }
      s.limiter.release();
    }
  }

  /** Feeds the adaptive limit; out of line so that the common path stays small enough to inline. */
  private static void adapt(
      EndpointState s,
      int status,
      ErrorKind kind,
      long latencyNanos,
      long ttftNanos,
      long outputTokens,
      long now) {
    int changed;
    int inFlight = s.limiter.inFlight();
    if (EndpointState.overloadSignal(status, kind)) {
      changed = s.adaptive.onDropped(now, inFlight);
    } else if (status >= 200 && status < 300) {
      changed = s.adaptive.onSuccess(now, latencyNanos, ttftNanos, outputTokens, inFlight);
    } else {
      changed = -1;
    }
    if (changed > 0) {
      s.limitChanged(changed);
    }
  }

  /**
   * Releases the permit without an outcome (the call was cancelled or never sent). The tokens
   * charged at admission stay charged, since the call may have reached the backend.
   */
  public void release() {
    EndpointState s = state;
    if (s == null || !DONE.compareAndSet(this, 0, 1)) {
      return;
    }
    if (ticket != null) {
      s.breaker.release(ticket);
    }
    if (s.limiter != null) {
      s.limiter.release();
    }
  }

  /** Same as {@link #release()}, for try-with-resources. */
  @Override
  public void close() {
    release();
  }

  /** Nanoseconds the call waited in admission (rate limit and queue). */
  public long waitedNanos() {
    return 0;
  }

  /** The endpoint's name; null for the shared no-op admission. */
  public String endpoint() {
    return state != null ? state.endpoint : null;
  }

  /** Tokens charged to the tokens-per-minute budget at admission. */
  public long chargedTokens() {
    return 0;
  }

  /** True once {@link #onResult} or {@link #release()} has run. */
  public boolean isReleased() {
    return state == null || done != 0;
  }
}
