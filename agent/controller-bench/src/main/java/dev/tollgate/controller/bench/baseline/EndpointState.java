package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.ControllerListener;
import dev.tollgate.controller.Limiter;
import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.concurrency.AdaptiveLimit;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.retry.NoRetryReason;
import dev.tollgate.controller.retry.RetryDecider;
import dev.tollgate.controller.retry.RetryReason;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state behind one endpoint, or one model override of it: the limiters, the breaker, the
 * retry budget and the counters. A model override's state shares the endpoint's components for the
 * sections it does not override.
 */
final class EndpointState {
  final String endpoint;
  final String model;
  final RateLimitPolicy rate;
  final TokenBucket requests;
  final TokenBucket tokens;
  final ConcurrencyPolicy concurrencyPolicy;
  final ConcurrencyLimiter limiter;
  final AdaptiveLimit adaptive;
  final CircuitBreaker breaker;
  final RetryDecider retry;

  /** Nothing to enforce: admission returns the shared no-op permit. */
  final boolean noop;

  private final boolean ownsLimiter;
  private final boolean ownsBreaker;
  private final ControllerListener listener;
  final Controller controller;
  Map<String, EndpointState> models;

  final LongAdder admissions = new LongAdder();
  private final LongAdder[] rejections = adders(Limiter.values().length);
  private final LongAdder[] waits = adders(Limiter.values().length);
  private final LongAdder[] waitNanos = adders(Limiter.values().length);
  private final LongAdder[] retries = adders(RetryReason.values().length);
  private final LongAdder[] denials = adders(NoRetryReason.values().length);
  private final LongAdder[] transitions = adders(BreakerState.values().length);

  /**
   * @param inherit the endpoint's state whose components are shared where {@code policy} has no
   *     section; null for the endpoint itself
   */
  EndpointState(
      Controller controller, EndpointPolicy policy, String model, EndpointState inherit, long now) {
    this.controller = controller;
    this.endpoint = policy.name();
    this.model = model;
    this.listener = controller.listener;

    RateLimitPolicy r = policy.rateLimit();
    if (r != null) {
      this.rate = r;
      this.requests =
          r.hasRequestLimit() ? TokenBucket.perSecond(r.requestsPerSecond(), r.burst(), now) : null;
      this.tokens =
          r.hasTokenLimit()
              ? TokenBucket.perMinute(r.tokensPerMinute(), r.tokenBurst(), now)
              : null;
    } else if (inherit != null) {
      this.rate = inherit.rate;
      this.requests = inherit.requests;
      this.tokens = inherit.tokens;
    } else {
      this.rate = null;
      this.requests = null;
      this.tokens = null;
    }

    ConcurrencyPolicy c = policy.concurrency();
    if (c != null) {
      this.concurrencyPolicy = c;
      this.limiter =
          new ConcurrencyLimiter(c.initial(), c.queue(), controller.clock, controller.sleeper);
      this.adaptive = c.adaptive() ? AdaptiveLimit.of(c.min(), c.max(), c.initial(), now) : null;
      this.ownsLimiter = true;
    } else if (inherit != null) {
      this.concurrencyPolicy = inherit.concurrencyPolicy;
      this.limiter = inherit.limiter;
      this.adaptive = inherit.adaptive;
      this.ownsLimiter = false;
    } else {
      this.concurrencyPolicy = null;
      this.limiter = null;
      this.adaptive = null;
      this.ownsLimiter = false;
    }

    if (policy.circuitBreaker() != null) {
      this.breaker = new CircuitBreaker(policy.circuitBreaker(), this::onTransition);
      this.ownsBreaker = true;
    } else {
      this.breaker = inherit != null ? inherit.breaker : null;
      this.ownsBreaker = false;
    }

    if (policy.retry() != null) {
      this.retry = new RetryDecider(policy.retry(), controller.random, now);
    } else {
      this.retry = inherit != null ? inherit.retry : null;
    }
    this.noop = requests == null && tokens == null && limiter == null && breaker == null;
  }

  private void onTransition(BreakerState from, BreakerState to, String reason) {
    transitions[to.ordinal()].increment();
    try {
      listener.onBreakerTransition(endpoint, model, from, to, reason);
    } catch (Throwable ignored) {
      // A metrics listener must not break the call.
    }
  }

  // --- outcome classification -------------------------------------------------------------------

  /** Failure for the breaker; 429 only when configured. */
  boolean breakerFailure(int status, ErrorKind kind) {
    switch (kind) {
      case CONNECT:
      case TIMEOUT:
      case IO:
      case STREAM_ERROR:
        return true;
      default:
        return status >= 500 || (status == 429 && breaker.policy().count429AsFailure());
    }
  }

  /** Outcomes the breaker neither counts as failure nor as success. */
  boolean breakerIgnores(int status, ErrorKind kind) {
    return kind == ErrorKind.CANCELLED
        || (status == 429 && kind == ErrorKind.NONE && !breaker.policy().count429AsFailure());
  }

  static boolean overloadSignal(int status, ErrorKind kind) {
    switch (kind) {
      case CONNECT:
      case TIMEOUT:
      case IO:
      case STREAM_ERROR:
        return true;
      default:
        return status == 429 || status >= 500;
    }
  }

  void limitChanged(int newLimit) {
    // Under the adaptive limit's monitor, so two windows closed by two threads cannot apply their
    // limits in the wrong order; the value applied is the latest.
    synchronized (adaptive) {
      newLimit = adaptive.limit();
      limiter.setLimit(newLimit);
    }
    try {
      listener.onLimitChanged(endpoint, model, newLimit);
    } catch (Throwable ignored) {
      // A metrics listener must not break the call.
    }
  }

  // --- counters ---------------------------------------------------------------------------------

  void countWait(Limiter l, long nanos) {
    waits[l.ordinal()].increment();
    waitNanos[l.ordinal()].add(nanos);
    try {
      listener.onWait(endpoint, model, l, nanos);
    } catch (Throwable ignored) {
      // A metrics listener must not break the call.
    }
  }

  <E extends TollgateRejectedException> E reject(E e) {
    rejections[e.limiter().ordinal()].increment();
    // (baseline copy: the listener takes the real exception type; the benchmark never rejects)
    return e;
  }

  void countRetry(RetryReason reason, int attempt, long delayNanos) {
    retries[reason.ordinal()].increment();
    try {
      listener.onRetry(endpoint, model, reason, attempt, delayNanos);
    } catch (Throwable ignored) {
      // A metrics listener must not break the call.
    }
  }

  void countDenial(NoRetryReason reason, int attempt) {
    denials[reason.ordinal()].increment();
    try {
      listener.onRetryDenied(endpoint, model, reason, attempt);
    } catch (Throwable ignored) {
      // A metrics listener must not break the call.
    }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  // --- EndpointMetrics --------------------------------------------------------------------------

  public String endpoint() {
    return endpoint;
  }

  public String model() {
    return model;
  }

  public boolean hasConcurrencyLimit() {
    return ownsLimiter;
  }

  public int queueDepth() {
    return ownsLimiter ? limiter.queueDepth() : 0;
  }

  public int inFlight() {
    return ownsLimiter ? limiter.inFlight() : 0;
  }

  public int concurrencyLimit() {
    return ownsLimiter ? limiter.limit() : 0;
  }

  public boolean hasCircuitBreaker() {
    return ownsBreaker;
  }

  public BreakerState breakerState() {
    return ownsBreaker ? breaker.state() : null;
  }

  public long admissions() {
    return admissions.sum();
  }

  public long rejections(Limiter limiter) {
    return rejections[limiter.ordinal()].sum();
  }

  public long waits(Limiter limiter) {
    return waits[limiter.ordinal()].sum();
  }

  public long waitNanos(Limiter limiter) {
    return waitNanos[limiter.ordinal()].sum();
  }

  public long retries(RetryReason reason) {
    return retries[reason.ordinal()].sum();
  }

  public long retryDenials(NoRetryReason reason) {
    return denials[reason.ordinal()].sum();
  }

  public long breakerTransitions(BreakerState to) {
    return transitions[to.ordinal()].sum();
  }

  public String toString() {
    return "Endpoint{" + endpoint + (model != null ? "/" + model : "") + "}";
  }
}
