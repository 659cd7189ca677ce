package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.ControllerListener;
import dev.tollgate.controller.Limiter;
import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.retry.RetryDecision;
import dev.tollgate.controller.time.NanoClock;
import dev.tollgate.controller.time.Sleeper;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The facade the agent's instrumentation (or an application) calls around each request to a
 * configured endpoint: {@link #admit} before sending, {@link Admission#onResult} or {@link
 * Admission#release()} after, and {@link #shouldRetry} plus {@link #awaitRetry} when an attempt
 * failed.
 *
 * <p>Admission runs, in order: the circuit breaker (fails fast when open, so an open breaker costs
 * no tokens and no queue slot); the requests-per-second bucket and the tokens-per-minute budget
 * (the call reserves its turn and sleeps until it, at most {@code rate_limit.max_wait}); the
 * concurrency limit (waits in the FIFO queue, at most {@code concurrency.max_wait}). Any refusal
 * gives back what earlier steps took and throws a {@link TollgateRejectedException}.
 *
 * <p>Thread-safe; immutable configuration. Endpoints are looked up by name, then narrowed by model
 * when a model override exists. A name that is not configured, or an endpoint with only a retry
 * policy, is admitted with a shared no-op permit and no allocation.
 */
public final class Controller {
  final NanoClock clock;
  final Sleeper sleeper;
  final DoubleSupplier random;
  final ControllerListener listener;
  private final Map<String, EndpointState> endpoints;
  private final List<EndpointState> metrics;

  private Controller(Builder b) {
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.random = b.random;
    this.listener = b.listener;
    long now = clock.nanoTime();
    Map<String, EndpointState> map = new HashMap<>();
    List<EndpointState> all = new ArrayList<>();
    for (EndpointPolicy p : b.policies) {
      EndpointState base = new EndpointState(this, p, null, null, now);
      all.add(base);
      if (!p.models().isEmpty()) {
        Map<String, EndpointState> byModel = new HashMap<>();
        for (Map.Entry<String, EndpointPolicy> e : p.models().entrySet()) {
          EndpointState m = new EndpointState(this, e.getValue(), e.getKey(), base, now);
          byModel.put(e.getKey(), m);
          all.add(m);
        }
        base.models = byModel;
      }
      map.put(p.name(), base);
    }
    this.endpoints = map;
    this.metrics = Collections.unmodifiableList(all);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when {@code endpoint} is configured here. */
  public boolean hasEndpoint(String endpoint) {
    return endpoints.containsKey(endpoint);
  }

  /** Admits a first attempt; see {@link #admit(String, String, long, int, int)}. */
  public Admission admit(String endpoint, String model, long estimatedTokens)
      throws TollgateRejectedException, InterruptedIOException {
    return admit(endpoint, model, estimatedTokens, 1, -1);
  }

  /**
   * Admits one attempt of a call, waiting (bounded) when a limit says so.
   *
   * @param endpoint the configured endpoint's name
   * @param model the request's model, or null; selects a model override when one is configured
   * @param estimatedTokens tokens to charge the tokens-per-minute budget now (the request's {@code
   *     max_tokens} plus an input estimate); 0 or less means {@code rate_limit.token_estimate}.
   *     Corrected by {@link Admission#onResult} to the real usage.
   * @param attempt 1 for a first attempt, n for the controller's own (n-1)th retry: retries were
   *     already counted against the retry budget by {@link #shouldRetry}
   * @param sdkRetryCount the request's {@code x-stainless-retry-count}, -1 when absent; a value
   *     above 0 is an SDK's own retry and is counted against the budget here
   * @return the permit; finish it with {@link Admission#onResult} or {@link Admission#release()}
   * @throws CircuitOpenException the breaker is open
   * @throws RateLimitedException the rate limit or token budget would need a longer wait than
   *     {@code rate_limit.max_wait}
   * @throws ConcurrencyLimitException the queue is full or {@code concurrency.max_wait} ran out
   * @throws InterruptedIOException the thread was interrupted while waiting (its flag is set)
   */
  public Admission admit(
      String endpoint, String model, long estimatedTokens, int attempt, int sdkRetryCount)
      throws TollgateRejectedException, InterruptedIOException {
    EndpointState s = lookup(endpoint, model);
    if (s == null) {
      return Admission.NOOP;
    }
    // The clock is read at most once here (it is not free on every machine: kvm-clock costs
    // 30-150 ns), and only when a budget or a bucket needs it.
    boolean timed = false;
    long start = 0;
    if (s.retry != null && attempt <= 1) {
      start = clock.nanoTime();
      timed = true;
      if (sdkRetryCount > 0) {
        s.retry.budget().onExternalRetry(start);
      } else {
        s.retry.budget().onFirstAttempt(start);
      }
    }
    if (s.noop) {
      return Admission.NOOP;
    }
    if (!timed && (s.requests != null || s.tokens != null)) {
      start = clock.nanoTime();
      timed = true;
    }
    return admitLimited(s, estimatedTokens, timed, start);
  }

  private Admission admitLimited(EndpointState s, long estimatedTokens, boolean timed, long start)
      throws TollgateRejectedException, InterruptedIOException {
    CircuitBreaker.Ticket ticket = null;
    if (s.breaker != null) {
      ticket = s.breaker.tryAcquire(clock);
      if (ticket == null) {
        throw s.reject(circuitOpen(s, clock.nanoTime()));
      }
    }
    boolean requestTaken = false;
    long tokens = 0;
    boolean ok = false;
    try {
      long wait = 0;
      Limiter waitedFor = null;
      if (s.requests != null) {
        long w = s.requests.reserve(1, start, s.rate.maxWaitNanos());
        if (w == TokenBucket.REJECTED) {
          throw s.reject(rateLimited(s, Limiter.REQUESTS, s.requests, 1, start));
        }
        requestTaken = true;
        if (w > 0) {
          wait = w;
          waitedFor = Limiter.REQUESTS;
        }
      }
      if (s.tokens != null) {
        long est = estimatedTokens > 0 ? estimatedTokens : s.rate.tokenEstimate();
        est = Math.max(1, Math.min(est, s.tokens.capacity()));
        long w = s.tokens.reserve(est, start, s.rate.maxWaitNanos());
        if (w == TokenBucket.REJECTED) {
          throw s.reject(rateLimited(s, Limiter.TOKENS, s.tokens, est, start));
        }
        tokens = est;
        if (w > wait) {
          wait = w;
          waitedFor = Limiter.TOKENS;
        }
      }
      if (wait > 0) {
        sleepUntil(start + wait);
        s.countWait(waitedFor, wait);
      }
      boolean slot = false;
      boolean waited = wait > 0;
      if (s.limiter != null) {
        if (!s.limiter.tryAcquire()) {
          if (!timed) {
            start = clock.nanoTime();
          }
          acquireSlot(s);
          waited = true;
        }
        slot = true;
      }
      s.admissions.increment();
      Admission a = new Admission(s, ticket, slot, tokens, waited ? clock.nanoTime() - start : 0);
      ok = true;
      return a;
    } finally {
      if (!ok) {
        long now = clock.nanoTime();
        if (requestTaken) {
          s.requests.giveBack(1, now);
        }
        if (tokens > 0) {
          s.tokens.giveBack(tokens, now);
        }
        if (ticket != null) {
          s.breaker.release(ticket);
        }
      }
    }
  }

  private void acquireSlot(EndpointState s)
      throws ConcurrencyLimitException, InterruptedIOException {
    long maxWait = s.concurrencyPolicy.maxWaitNanos();
    long t0 = clock.nanoTime();
    ConcurrencyLimiter.Result r = s.limiter.acquire(maxWait);
    long waited = clock.nanoTime() - t0;
    if (r != ConcurrencyLimiter.Result.QUEUE_FULL
        && (waited > 0 || r != ConcurrencyLimiter.Result.GRANTED)) {
      s.countWait(Limiter.CONCURRENCY, waited);
    }
    switch (r) {
      case GRANTED:
        return;
      case INTERRUPTED:
        throw new InterruptedIOException(
            "Tollgate: interrupted while waiting for a concurrency slot of endpoint '"
                + s.endpoint
                + "'");
      case QUEUE_FULL:
        throw s.reject(
            new ConcurrencyLimitException(
                "Tollgate: endpoint '"
                    + s.endpoint
                    + "'"
                    + modelSuffix(s)
                    + " has "
                    + s.limiter.inFlight()
                    + " calls in flight (concurrency limit "
                    + s.limiter.limit()
                    + ") and its wait queue is full ("
                    + s.limiter.queueCapacity()
                    + " calls, concurrency.queue); failed at once",
                s.endpoint,
                s.model,
                ConcurrencyLimitException.Reason.QUEUE_FULL,
                waited));
      default:
        throw s.reject(
            new ConcurrencyLimitException(
                "Tollgate: endpoint '"
                    + s.endpoint
                    + "'"
                    + modelSuffix(s)
                    + ": no concurrency slot within "
                    + human(maxWait)
                    + " (concurrency.max_wait); "
                    + s.limiter.inFlight()
                    + " calls in flight (limit "
                    + s.limiter.limit()
                    + "), "
                    + s.limiter.queueDepth()
                    + " waiting",
                s.endpoint,
                s.model,
                ConcurrencyLimitException.Reason.MAX_WAIT,
                waited));
    }
  }

  /**
   * Decides whether a failed attempt should be sent again, and when. Counts the decision (retries
   * by reason, refusals by reason) and, when it retries, draws on the endpoint's retry budget.
   *
   * @param attempt the attempt that just failed, 1-based
   * @param status HTTP status, 0 when none was received
   * @param kind transport error, {@link ErrorKind#NONE} when the status says it all
   * @param errorCode provider error code or type ({@code insufficient_quota} is never retried); may
   *     be null
   * @param serverDelayNanos the server's requested delay ({@code retry-after-ms}, {@code
   *     Retry-After}, Gemini {@code retryDelay}; see {@link
   *     dev.tollgate.controller.retry.RetryAfter}), -1 when none
   * @param responseStarted true once any response byte reached the application: never retried
   * @param sdkRetryCount the request's {@code x-stainless-retry-count}, -1 when absent
   */
  public RetryDecision shouldRetry(
      String endpoint,
      String model,
      int attempt,
      int status,
      ErrorKind kind,
      String errorCode,
      long serverDelayNanos,
      boolean responseStarted,
      int sdkRetryCount) {
    EndpointState s = lookup(endpoint, model);
    if (s == null || s.retry == null) {
      return RetryDecision.no(dev.tollgate.controller.retry.NoRetryReason.NOT_CONFIGURED);
    }
    RetryDecision d =
        s.retry.decide(
            attempt,
            status,
            kind,
            errorCode,
            serverDelayNanos,
            responseStarted,
            sdkRetryCount,
            clock.nanoTime());
    if (d.retry()) {
      s.countRetry(d.reason(), attempt, d.delayNanos());
    } else {
      s.countDenial(d.denial(), attempt);
    }
    return d;
  }

  /** Sleeps for a retry's delay on the controller's clock. */
  public void awaitRetry(RetryDecision decision) throws InterruptedIOException {
    if (decision.retry() && decision.delayNanos() > 0) {
      sleepUntil(clock.nanoTime() + decision.delayNanos());
    }
  }

  private void sleepUntil(long deadline) throws InterruptedIOException {
    for (; ; ) {
      long remaining = deadline - clock.nanoTime();
      if (remaining <= 0) {
        return;
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Tollgate: interrupted while waiting");
      }
      sleeper.park(remaining);
    }
  }

  private EndpointState lookup(String endpoint, String model) {
    if (endpoint == null) {
      return null;
    }
    EndpointState s = endpoints.get(endpoint);
    if (s != null && model != null && s.models != null) {
      EndpointState m = s.models.get(model);
      if (m != null) {
        return m;
      }
    }
    return s;
  }

  // --- messages ---------------------------------------------------------------------------------

  private CircuitOpenException circuitOpen(EndpointState s, long now) {
    BreakerState state = s.breaker.state();
    long after = s.breaker.retryAfterNanos(now);
    long at = clock.epochMillis() + after / 1_000_000;
    String why;
    if (state == BreakerState.OPEN) {
      String reason = s.breaker.openReason();
      why = "is open" + (reason != null ? " (" + reason + ")" : "");
    } else {
      why = "is half-open and its probe calls are still out";
    }
    return new CircuitOpenException(
        "Tollgate: the circuit breaker of endpoint '"
            + s.endpoint
            + "'"
            + modelSuffix(s)
            + " "
            + why
            + "; calls fail fast until it is tried again in "
            + human(after)
            + ", at "
            + Instant.ofEpochMilli(at),
        s.endpoint,
        s.model,
        state,
        after,
        at);
  }

  private static RateLimitedException rateLimited(
      EndpointState s, Limiter which, TokenBucket bucket, long tokens, long now) {
    RateLimitPolicy p = s.rate;
    long need = bucket.nanosUntil(tokens, now);
    String what =
        which == Limiter.REQUESTS
            ? "rate limit of "
                + number(p.requestsPerSecond())
                + " requests/s (burst "
                + p.burst()
                + ")"
            : "token budget of "
                + p.tokensPerMinute()
                + " tokens/min ("
                + (bucket.available(now) < 0
                    ? "in debt by "
                        + -bucket.available(now)
                        + " tokens after calls that used more than estimated"
                    : bucket.available(now) + " available")
                + "; this call is charged "
                + tokens
                + ")";
    return new RateLimitedException(
        "Tollgate: endpoint '"
            + s.endpoint
            + "'"
            + modelSuffix(s)
            + ": the "
            + what
            + " would make this call wait "
            + human(need)
            + ", more than rate_limit.max_wait "
            + human(p.maxWaitNanos()),
        s.endpoint,
        s.model,
        which,
        need);
  }

  private static String modelSuffix(EndpointState s) {
    return s.model != null ? " (model '" + s.model + "')" : "";
  }

  private static String number(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static String human(long nanos) {
    if (nanos < 1_000_000_000L) {
      return (nanos / 1_000_000) + "ms";
    }
    return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }

  // --- metrics ----------------------------------------------------------------------------------

  public List<EndpointState> endpoints() {
    return metrics;
  }

  /** The metrics of one endpoint (model null) or model override; null when not configured. */
  public EndpointState metrics(String endpoint, String model) {
    EndpointState s = endpoints.get(endpoint);
    if (s == null || model == null) {
      return s;
    }
    return s.models != null ? s.models.get(model) : null;
  }

  /** Builds a {@link Controller}. */
  public static final class Builder {
    private NanoClock clock = NanoClock.SYSTEM;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private ControllerListener listener = ControllerListener.NONE;
    private final List<EndpointPolicy> policies = new ArrayList<>();

    private Builder() {}

    public Builder clock(NanoClock v) {
      this.clock = v;
      return this;
    }

    public Builder sleeper(Sleeper v) {
      this.sleeper = v;
      return this;
    }

    /** Uniform random numbers in [0, 1) for backoff jitter. */
    public Builder random(DoubleSupplier v) {
      this.random = v;
      return this;
    }

    public Builder listener(ControllerListener v) {
      this.listener = v;
      return this;
    }

    public Builder endpoint(EndpointPolicy v) {
      for (EndpointPolicy p : policies) {
        if (p.name().equals(v.name())) {
          throw new IllegalArgumentException("endpoint '" + v.name() + "' is configured twice");
        }
      }
      policies.add(v);
      return this;
    }

    public Builder endpoints(List<EndpointPolicy> v) {
      for (EndpointPolicy p : v) {
        endpoint(p);
      }
      return this;
    }

    public Controller build() {
      return new Controller(this);
    }
  }
}
