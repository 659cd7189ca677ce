package dev.tollgate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.PolicyParser;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.policy.RetryPolicy;
import dev.tollgate.controller.retry.NoRetryReason;
import dev.tollgate.controller.retry.RetryDecision;
import dev.tollgate.controller.retry.RetryReason;
import dev.tollgate.controller.time.FakeClock;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControllerTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private final FakeClock clock = new FakeClock();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ControllerListener recorder =
      new ControllerListener() {
        @Override
        public void onWait(String endpoint, String model, Limiter limiter, long nanos) {
          events.add("wait " + limiter.label() + " " + nanos / MS + "ms");
        }

        @Override
        public void onRejected(String endpoint, String model, TollgateRejectedException e) {
          events.add("rejected " + e.limiter().label());
        }

        @Override
        public void onRetry(
            String endpoint, String model, RetryReason reason, int attempt, long delayNanos) {
          events.add("retry " + reason.label() + " after " + delayNanos / MS + "ms");
        }

        @Override
        public void onRetryDenied(
            String endpoint, String model, NoRetryReason reason, int attempt) {
          events.add("no retry " + reason.label());
        }

        @Override
        public void onBreakerTransition(
            String endpoint, String model, BreakerState from, BreakerState to, String reason) {
          events.add(endpoint + " " + from.label() + "->" + to.label());
        }

        @Override
        public void onLimitChanged(String endpoint, String model, int limit) {
          events.add("limit " + limit);
        }
      };

  private Controller controller(EndpointPolicy... policies) {
    Controller.Builder b =
        Controller.builder().clock(clock).sleeper(clock).random(() -> 0.5).listener(recorder);
    for (EndpointPolicy p : policies) {
      b.endpoint(p);
    }
    return b.build();
  }

  private static EndpointPolicy.Builder ep(String name) {
    return EndpointPolicy.builder(name);
  }

  @Test
  void endpointsWithNothingToEnforceShareOneNoOpPermit() throws Exception {
    Controller c =
        controller(
            ep("plain").build(), ep("retry-only").retry(RetryPolicy.builder().build()).build());
    Admission a = c.admit("plain", "gpt-4o", 100);
    Admission b = c.admit("unknown", null, 0);
    Admission r = c.admit("retry-only", null, 0);
    assertThat(a).isSameAs(b).isSameAs(r).isSameAs(Admission.NOOP);
    a.onResult(500, ErrorKind.NONE, S, -1, 1, 2);
    a.release();
    assertThat(a.endpoint()).isNull();
    assertThat(c.hasEndpoint("plain")).isTrue();
    assertThat(c.hasEndpoint("unknown")).isFalse();
  }

  @Test
  void anOpenBreakerFailsFastWithAClearIoException() throws Exception {
    Controller c =
        controller(
            ep("dify-prod")
                .circuitBreaker(CircuitBreakerPolicy.builder().window(20).minCalls(10).build())
                .build());
    for (int i = 0; i < 10; i++) {
      c.admit("dify-prod", null, 0).onResult(503, ErrorKind.NONE, MS, -1, -1, -1);
    }
    CircuitOpenException e =
        catchThrowableOfType(CircuitOpenException.class, () -> c.admit("dify-prod", null, 0));
    assertThat(e).isInstanceOf(java.io.IOException.class);
    assertThat(e.endpoint()).isEqualTo("dify-prod");
    assertThat(e.state()).isEqualTo(BreakerState.OPEN);
    assertThat(e.retryAfterNanos()).isEqualTo(30 * S);
    assertThat(e.retryAtEpochMillis()).isEqualTo(clock.epochMillis() + 30_000);
    assertThat(e.getMessage())
        .isEqualTo(
            "Tollgate: the circuit breaker of endpoint 'dify-prod' is open (10 of the last 10"
                + " calls failed (threshold 50%)); calls fail fast until it is tried again in"
                + " 30.0s, at 2026-01-01T00:00:30Z");
    EndpointMetrics m = c.metrics("dify-prod", null);
    assertThat(m.breakerState()).isEqualTo(BreakerState.OPEN);
    assertThat(m.rejections(Limiter.CIRCUIT_BREAKER)).isEqualTo(1);
    assertThat(m.breakerTransitions(BreakerState.OPEN)).isEqualTo(1);

    // Recovery: after open_for, three probes succeed and it closes.
    clock.advance(30, TimeUnit.SECONDS);
    Admission p1 = c.admit("dify-prod", null, 0);
    Admission p2 = c.admit("dify-prod", null, 0);
    Admission p3 = c.admit("dify-prod", null, 0);
    CircuitOpenException busy =
        catchThrowableOfType(CircuitOpenException.class, () -> c.admit("dify-prod", null, 0));
    assertThat(busy.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(busy.getMessage()).contains("half-open", "probe calls are still out");
    p1.onResult(200, ErrorKind.NONE, MS, -1, 10, 20);
    p2.onResult(200, ErrorKind.NONE, MS, -1, 10, 20);
    p3.onResult(200, ErrorKind.NONE, MS, -1, 10, 20);
    assertThat(m.breakerState()).isEqualTo(BreakerState.CLOSED);
    assertThat(events)
        .contains(
            "dify-prod closed->open", "dify-prod open->half_open", "dify-prod half_open->closed");
  }

  @Test
  void whatTheBreakerCounts() throws Exception {
    Controller c =
        controller(
            ep("e")
                .circuitBreaker(CircuitBreakerPolicy.builder().window(5).minCalls(5).build())
                .build(),
            ep("strict")
                .circuitBreaker(
                    CircuitBreakerPolicy.builder()
                        .window(5)
                        .minCalls(5)
                        .count429AsFailure(true)
                        .build())
                .build());
    // 429s and cancelled calls are not counted, 4xx are successes: never opens.
    for (int i = 0; i < 20; i++) {
      c.admit("e", null, 0).onResult(429, ErrorKind.NONE, MS, -1, -1, -1);
      c.admit("e", null, 0).onResult(0, ErrorKind.CANCELLED, MS, -1, -1, -1);
      c.admit("e", null, 0).release();
    }
    for (int i = 0; i < 5; i++) {
      c.admit("e", null, 0).onResult(400, ErrorKind.NONE, MS, -1, -1, -1);
    }
    assertThat(c.metrics("e", null).breakerState()).isEqualTo(BreakerState.CLOSED);
    // Timeouts, connection errors, stream errors and 529 are failures.
    c.admit("e", null, 0).onResult(0, ErrorKind.TIMEOUT, MS, -1, -1, -1);
    c.admit("e", null, 0).onResult(0, ErrorKind.CONNECT, MS, -1, -1, -1);
    c.admit("e", null, 0).onResult(200, ErrorKind.STREAM_ERROR, MS, -1, -1, -1);
    assertThat(c.metrics("e", null).breakerState()).isEqualTo(BreakerState.OPEN);
    // With count_429, a 429 storm opens the breaker.
    for (int i = 0; i < 5; i++) {
      c.admit("strict", null, 0).onResult(429, ErrorKind.NONE, MS, -1, -1, -1);
    }
    assertThat(c.metrics("strict", null).breakerState()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theRateLimitMakesCallsWaitTheirTurnThenRefusesBeyondMaxWait() throws Exception {
    Controller c =
        controller(
            ep("e")
                .rateLimit(
                    RateLimitPolicy.builder()
                        .requestsPerSecond(10)
                        .burst(2)
                        .maxWait(Duration.ofMillis(150))
                        .build())
                .build());
    long t0 = clock.nanoTime();
    assertThat(c.admit("e", null, 0).waitedNanos()).isZero();
    assertThat(c.admit("e", null, 0).waitedNanos()).isZero(); // the burst
    Admission third = c.admit("e", null, 0);
    assertThat(third.waitedNanos()).isEqualTo(100 * MS);
    assertThat(clock.nanoTime() - t0).isEqualTo(100 * MS); // slept on the fake clock
    // Someone else reserves the next slot (another thread; here the bucket directly)...
    EndpointState s = (EndpointState) c.metrics("e", null);
    s.requests.reserve(1, clock.nanoTime(), S);
    // ...so this call would wait 200 ms, more than 150 ms: refused at once, nothing taken.
    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> c.admit("e", null, 0));
    assertThat(clock.nanoTime() - t0).isEqualTo(100 * MS);
    assertThat(e.limiter()).isEqualTo(Limiter.REQUESTS);
    assertThat(e.endpoint()).isEqualTo("e");
    assertThat(e.retryAfterNanos()).isEqualTo(200 * MS);
    assertThat(e.getMessage())
        .isEqualTo(
            "Tollgate: endpoint 'e': the rate limit of 10 requests/s (burst 2) would make this"
                + " call wait 200ms, more than rate_limit.max_wait 150ms");
    EndpointMetrics m = c.metrics("e", null);
    assertThat(m.waits(Limiter.REQUESTS)).isEqualTo(1);
    assertThat(m.waitNanos(Limiter.REQUESTS)).isEqualTo(100 * MS);
    assertThat(m.rejections(Limiter.REQUESTS)).isEqualTo(1);
    assertThat(m.admissions()).isEqualTo(3);
    assertThat(events).contains("wait requests 100ms", "rejected requests");
  }

  @Test
  void theTokenBudgetAdmitsOnTheEstimateAndSettlesIntoDebt() throws Exception {
    Controller c =
        controller(
            ep("e")
                .rateLimit(
                    RateLimitPolicy.builder()
                        .tokensPerMinute(60_000)
                        .tokenEstimate(500)
                        .maxWait(Duration.ofSeconds(10))
                        .build())
                .build());
    Admission a = c.admit("e", null, 4_000); // max_tokens known
    assertThat(a.chargedTokens()).isEqualTo(4_000);
    Admission b = c.admit("e", null, -1); // unknown: the configured estimate
    assertThat(b.chargedTokens()).isEqualTo(500);
    a.onResult(200, ErrorKind.NONE, S, -1, 50_000, 90_000); // used 86,000 more than estimated
    b.onResult(200, ErrorKind.NONE, S, -1, 10, 100); // 400 fewer
    // 60,000 - 90,000 - 100 = -30,100 tokens: the next call would wait ~30.6 s > 10 s.
    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> c.admit("e", null, 500));
    assertThat(e.limiter()).isEqualTo(Limiter.TOKENS);
    assertThat(e.getMessage())
        .contains("token budget of 60000 tokens/min", "in debt by 30100 tokens", "30.6s");
    assertThat(e.retryAfterNanos()).isEqualTo(30_600 * MS);
    // Debt is repaid by refill: 21 s later the wait is within max_wait and the call waits it out.
    clock.advance(21, TimeUnit.SECONDS);
    Admission later = c.admit("e", null, 500);
    assertThat(later.waitedNanos()).isEqualTo(9_600 * MS);
    assertThat(c.metrics("e", null).waits(Limiter.TOKENS)).isEqualTo(1);
  }

  @Test
  void aFullQueueFailsAtOnceAndAWaitIsBoundedByMaxWait() throws Exception {
    Controller c =
        controller(
            ep("no-queue").concurrency(ConcurrencyPolicy.builder().max(1).queue(0).build()).build(),
            ep("queued")
                .concurrency(
                    ConcurrencyPolicy.builder()
                        .max(1)
                        .queue(5)
                        .maxWait(Duration.ofSeconds(2))
                        .build())
                .build());
    Admission held = c.admit("no-queue", null, 0);
    ConcurrencyLimitException full =
        catchThrowableOfType(ConcurrencyLimitException.class, () -> c.admit("no-queue", null, 0));
    assertThat(full.reason()).isEqualTo(ConcurrencyLimitException.Reason.QUEUE_FULL);
    assertThat(full.getMessage())
        .isEqualTo(
            "Tollgate: endpoint 'no-queue' has 1 calls in flight (concurrency limit 1) and its"
                + " wait queue is full (0 calls, concurrency.queue); failed at once");
    held.release();
    assertThat(c.admit("no-queue", null, 0)).isNotNull();

    c.admit("queued", null, 0);
    long t0 = clock.nanoTime();
    ConcurrencyLimitException timedOut =
        catchThrowableOfType(ConcurrencyLimitException.class, () -> c.admit("queued", null, 0));
    assertThat(clock.nanoTime() - t0).isEqualTo(2 * S);
    assertThat(timedOut.reason()).isEqualTo(ConcurrencyLimitException.Reason.MAX_WAIT);
    assertThat(timedOut.waitedNanos()).isEqualTo(2 * S);
    assertThat(timedOut.getMessage())
        .isEqualTo(
            "Tollgate: endpoint 'queued': no concurrency slot within 2.0s (concurrency.max_wait);"
                + " 1 calls in flight (limit 1), 0 waiting");
    EndpointMetrics m = c.metrics("queued", null);
    assertThat(m.rejections(Limiter.CONCURRENCY)).isEqualTo(1);
    assertThat(m.waits(Limiter.CONCURRENCY)).isEqualTo(1);
    assertThat(m.inFlight()).isEqualTo(1);
    assertThat(m.queueDepth()).isZero();
    assertThat(m.concurrencyLimit()).isEqualTo(1);
  }

  @Test
  void aRefusalGivesBackWhatEarlierStepsTook() throws Exception {
    Controller c =
        controller(
            ep("e")
                .rateLimit(RateLimitPolicy.builder().requestsPerSecond(1).burst(1).build())
                .concurrency(ConcurrencyPolicy.builder().max(1).queue(0).build())
                .circuitBreaker(
                    CircuitBreakerPolicy.builder().window(1).minCalls(1).halfOpenCalls(1).build())
                .build());
    Admission a = c.admit("e", null, 0);
    // b waits 1 s for its rate slot, then finds no concurrency slot: its rate token comes back.
    assertThatThrownBy(() -> c.admit("e", null, 0)).isInstanceOf(ConcurrencyLimitException.class);
    a.release();
    assertThat(c.admit("e", null, 0).waitedNanos()).isZero();
  }

  @Test
  void finishingIsIdempotentAndNeverLeaksOrDoubleFreesASlot() throws Exception {
    Controller c =
        controller(
            ep("e").concurrency(ConcurrencyPolicy.builder().max(2).queue(0).build()).build());
    Admission a = c.admit("e", null, 0);
    a.onResult(200, ErrorKind.NONE, S, -1, 10, 20);
    a.onResult(500, ErrorKind.NONE, S, -1, 10, 20);
    a.release();
    a.close();
    assertThat(a.isReleased()).isTrue();
    EndpointMetrics m = c.metrics("e", null);
    assertThat(m.inFlight()).isZero();
    try (Admission b = c.admit("e", null, 0)) {
      assertThat(m.inFlight()).isEqualTo(1);
      assertThat(b.isReleased()).isFalse();
    }
    assertThat(m.inFlight()).isZero();
  }

  @Test
  void modelOverridesOwnTheirSectionsAndShareTheRest() throws Exception {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("name", "openai");
    cfg.put("rate_limit", Map.of("requests_per_second", 1, "burst", 1, "max_wait", "0"));
    cfg.put("concurrency", Map.of("max", 2, "queue", 0));
    cfg.put(
        "models",
        Map.of(
            "gpt-4o",
            Map.of("rate_limit", Map.of("requests_per_second", 1, "burst", 1, "max_wait", "0"))));
    Controller c = controller(PolicyParser.parseEndpoint(cfg));
    c.admit("openai", "gpt-4o-mini", 0); // the endpoint's bucket
    c.admit("openai", "gpt-4o", 0); // its own bucket: not limited by the call above
    assertThatThrownBy(() -> c.admit("openai", null, 0)).isInstanceOf(RateLimitedException.class);
    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> c.admit("openai", "gpt-4o", 0));
    assertThat(e.model()).isEqualTo("gpt-4o");
    assertThat(e.getMessage()).contains("endpoint 'openai' (model 'gpt-4o')");
    // The concurrency limit (2) is shared: both calls above hold its slots.
    clock.advance(1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> c.admit("openai", "gpt-4o", 0))
        .isInstanceOf(ConcurrencyLimitException.class);
    assertThat(c.endpoints()).hasSize(2);
    EndpointMetrics base = c.metrics("openai", null);
    EndpointMetrics model = c.metrics("openai", "gpt-4o");
    assertThat(base.hasConcurrencyLimit()).isTrue();
    assertThat(base.inFlight()).isEqualTo(2);
    assertThat(model.hasConcurrencyLimit()).isFalse(); // reported once, by the endpoint
    assertThat(model.model()).isEqualTo("gpt-4o");
    assertThat(model.rejections(Limiter.REQUESTS)).isEqualTo(1);
    assertThat(model.rejections(Limiter.CONCURRENCY)).isEqualTo(1);
  }

  @Test
  void retriesFlowThroughTheControllerWithBudgetAndCounters() throws Exception {
    Controller c =
        controller(
            ep("e")
                .retry(
                    RetryPolicy.builder()
                        .maxAttempts(3)
                        .budget(0.10)
                        .minRetriesPerSecond(0.2) // 2 per 10 s window
                        .build())
                .build(),
            ep("none").build());
    assertThat(c.shouldRetry("none", null, 1, 503, ErrorKind.NONE, null, -1, false, -1).denial())
        .isEqualTo(NoRetryReason.NOT_CONFIGURED);
    c.admit("e", null, 0);
    RetryDecision d = c.shouldRetry("e", null, 1, 503, ErrorKind.NONE, null, -1, false, -1);
    assertThat(d.retry()).isTrue();
    assertThat(d.delayNanos()).isEqualTo(250 * MS); // full jitter at 0.5 of 500 ms
    long t0 = clock.nanoTime();
    c.awaitRetry(d);
    assertThat(clock.nanoTime() - t0).isEqualTo(250 * MS);
    c.admit("e", null, 0, 2, -1); // the retry itself: not a new deposit
    // Retry-After wins.
    RetryDecision server = c.shouldRetry("e", null, 1, 429, ErrorKind.NONE, null, 3 * S, false, -1);
    assertThat(server.delayNanos()).isEqualTo(3 * S);
    // The floor (2) is spent; 1 first attempt * 10 % is less.
    assertThat(c.shouldRetry("e", null, 1, 503, ErrorKind.NONE, null, -1, false, -1).denial())
        .isEqualTo(NoRetryReason.BUDGET_EXHAUSTED);
    EndpointMetrics m = c.metrics("e", null);
    assertThat(m.retries(RetryReason.STATUS_503)).isEqualTo(1);
    assertThat(m.retries(RetryReason.STATUS_429)).isEqualTo(1);
    assertThat(m.retryDenials(NoRetryReason.BUDGET_EXHAUSTED)).isEqualTo(1);
    assertThat(events)
        .contains("retry 503 after 250ms", "retry 429 after 3000ms", "no retry budget_exhausted");
  }

  @Test
  void sdkRetriesCountAgainstTheBudget() throws Exception {
    Controller c =
        controller(
            ep("e")
                .retry(
                    RetryPolicy.builder()
                        .respectSdkRetries(false)
                        .budget(0.5)
                        .minRetriesPerSecond(0)
                        .build())
                .build());
    for (int i = 0; i < 4; i++) {
      c.admit("e", null, 0, 1, 0); // SDK first attempts (x-stainless-retry-count: 0)
    }
    c.admit("e", null, 0, 1, 1); // the SDK retrying on its own
    assertThat(c.shouldRetry("e", null, 1, 503, ErrorKind.NONE, null, -1, false, 0).retry())
        .isTrue();
    assertThat(c.shouldRetry("e", null, 1, 503, ErrorKind.NONE, null, -1, false, 0).denial())
        .isEqualTo(NoRetryReason.BUDGET_EXHAUSTED);
  }

  @Test
  void adaptiveLimitIsExportedAndReported() throws Exception {
    Controller c =
        controller(
            ep("e")
                .concurrency(
                    ConcurrencyPolicy.builder().adaptive(true).min(2).max(100).initial(10).build())
                .build());
    EndpointMetrics m = c.metrics("e", null);
    assertThat(m.concurrencyLimit()).isEqualTo(10);
    for (int w = 0; w < 3; w++) {
      clock.advance(1, TimeUnit.SECONDS);
      List<Admission> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(c.admit("e", null, 0));
      }
      for (Admission a : batch) {
        a.onResult(200, ErrorKind.NONE, 3 * S, -1, 300, 400);
      }
    }
    assertThat(m.concurrencyLimit()).isGreaterThan(10);
    int grown = m.concurrencyLimit();
    clock.advance(1, TimeUnit.SECONDS);
    c.admit("e", null, 0).onResult(503, ErrorKind.NONE, S, -1, -1, -1);
    assertThat(m.concurrencyLimit()).isEqualTo((int) (grown * 0.9));
    assertThat(events).contains("limit " + grown, "limit " + (int) (grown * 0.9));
  }

  @Test
  void aFailingListenerDoesNotBreakCalls() throws Exception {
    Controller c =
        Controller.builder()
            .clock(clock)
            .sleeper(clock)
            .listener(
                new ControllerListener() {
                  @Override
                  public void onRejected(String e, String m, TollgateRejectedException x) {
                    throw new IllegalStateException("boom");
                  }
                })
            .endpoint(
                ep("e").concurrency(ConcurrencyPolicy.builder().max(1).queue(0).build()).build())
            .build();
    c.admit("e", null, 0);
    assertThatThrownBy(() -> c.admit("e", null, 0)).isInstanceOf(ConcurrencyLimitException.class);
  }

  @Test
  void anInterruptedWaitThrowsInterruptedIoExceptionAndGivesTheTokenBack() throws Exception {
    Controller c =
        Controller.builder()
            .clock(clock)
            .sleeper(nanos -> Thread.currentThread().interrupt())
            .endpoint(
                ep("e")
                    .rateLimit(RateLimitPolicy.builder().requestsPerSecond(1).burst(1).build())
                    .build())
            .build();
    c.admit("e", null, 0);
    assertThatThrownBy(() -> c.admit("e", null, 0)).isInstanceOf(InterruptedIOException.class);
    assertThat(Thread.interrupted()).isTrue();
    clock.advance(1, TimeUnit.SECONDS);
    assertThat(c.admit("e", null, 0).waitedNanos()).isZero();
  }

  @Test
  void duplicateEndpointsAreAConfigurationError() {
    assertThatThrownBy(() -> controller(ep("e").build(), ep("e").build()))
        .hasMessageContaining("'e' is configured twice");
  }
}
