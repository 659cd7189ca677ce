package dev.tollgate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.PolicyParser;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.policy.RetryPolicy;
import dev.tollgate.controller.retry.RetryDecision;
import dev.tollgate.controller.time.FakeClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A backend's Retry-After pauses the endpoint for every caller, on a fake clock. */
class RetryAfterPauseTest {
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
        public void onPause(String endpoint, String model, int status, long pauseNanos) {
          events.add(
              "pause "
                  + endpoint
                  + (model != null ? "/" + model : "")
                  + " "
                  + status
                  + " "
                  + pauseNanos / MS
                  + "ms");
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

  /** 10 requests/s, burst 2, max_wait 10 s. */
  private static RateLimitPolicy.Builder rate() {
    return RateLimitPolicy.builder().requestsPerSecond(10).burst(2).maxWait(Duration.ofSeconds(10));
  }

  private static EndpointPolicy endpoint(RateLimitPolicy.Builder rate) {
    return EndpointPolicy.builder("e").rateLimit(rate.build()).build();
  }

  @Test
  void aRetryAfterPausesEveryCallerUntilItEnds() throws Exception {
    Controller c = controller(endpoint(rate()));
    long t0 = clock.nanoTime();
    assertThat(c.onRetryAfter("e", null, 429, 3 * S)).isTrue();
    EndpointMetrics m = c.metrics("e", null);
    assertThat(m.hasRetryAfterPause()).isTrue();
    assertThat(m.pausedNanos()).isEqualTo(3 * S);
    assertThat(m.pauses()).isEqualTo(1);
    assertThat(events).containsExactly("pause e 429 3000ms");

    // A new call waits for the end of the pause, then goes (the bucket is full after the quiet).
    Admission a = c.admit("e", null, 0);
    assertThat(clock.nanoTime() - t0).isEqualTo(3 * S);
    assertThat(a.waitedNanos()).isEqualTo(3 * S);
    assertThat(m.pausedNanos()).isZero();
    assertThat(m.waits(Limiter.RETRY_AFTER)).isEqualTo(1);
    assertThat(m.waitNanos(Limiter.RETRY_AFTER)).isEqualTo(3 * S);
    assertThat(events).contains("wait retry_after 3000ms");
    a.onResult(200, ErrorKind.NONE, S, -1, 1, 2);
  }

  @Test
  void aLaterEndExtendsThePauseAndAnEarlierOneDoesNotShortenIt() throws Exception {
    Controller c = controller(endpoint(rate()));
    EndpointMetrics m = c.metrics("e", null);
    c.onRetryAfter("e", null, 429, 5 * S);
    clock.advance(1, TimeUnit.SECONDS);
    // Ends at 1 s + 2 s = 3 s, before 5 s: ignored.
    assertThat(c.onRetryAfter("e", null, 429, 2 * S)).isFalse();
    assertThat(m.pausedNanos()).isEqualTo(4 * S);
    // Ends at 1 s + 10 s = 11 s: extends the running pause, which is still one pause.
    assertThat(c.onRetryAfter("e", null, 503, 10 * S)).isTrue();
    assertThat(m.pausedNanos()).isEqualTo(10 * S);
    assertThat(m.pauses()).isEqualTo(1);
    assertThat(events).containsExactly("pause e 429 5000ms", "pause e 503 10000ms");
  }

  @Test
  void thePauseExpiresAndALaterRetryAfterStartsANewOne() throws Exception {
    Controller c = controller(endpoint(rate()));
    EndpointMetrics m = c.metrics("e", null);
    c.onRetryAfter("e", null, 429, 2 * S);
    clock.advance(2, TimeUnit.SECONDS);
    assertThat(m.pausedNanos()).isZero();
    long t = clock.nanoTime();
    assertThat(c.admit("e", null, 0).waitedNanos()).isZero();
    assertThat(clock.nanoTime()).isEqualTo(t);
    assertThat(m.waits(Limiter.RETRY_AFTER)).isZero();

    clock.advance(10, TimeUnit.SECONDS);
    assertThat(c.onRetryAfter("e", null, 429, S)).isTrue();
    assertThat(m.pauses()).isEqualTo(2);
  }

  @Test
  void aPauseLongerThanMaxWaitFailsFastAndTakesNothing() throws Exception {
    Controller c =
        controller(
            EndpointPolicy.builder("e")
                .rateLimit(rate().maxWait(Duration.ofSeconds(2)).build())
                .concurrency(ConcurrencyPolicy.builder().max(1).queue(0).build())
                .build());
    EndpointMetrics m = c.metrics("e", null);
    long t0 = clock.nanoTime();
    c.onRetryAfter("e", null, 429, 5 * S);
    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> c.admit("e", null, 0));
    assertThat(clock.nanoTime()).as("failed at once").isEqualTo(t0);
    assertThat(e.limiter()).isEqualTo(Limiter.RETRY_AFTER);
    assertThat(e.retryAfterNanos()).isEqualTo(5 * S);
    assertThat(e.getMessage())
        .isEqualTo(
            "Tollgate: endpoint 'e': the backend answered 429 and asked to wait until"
                + " 2026-01-01T00:00:05Z (Retry-After), 5.0s from now, more than"
                + " rate_limit.max_wait 2.0s; calls fail fast until then");
    assertThat(m.rejections(Limiter.RETRY_AFTER)).isEqualTo(1);
    assertThat(events).contains("rejected retry_after");
    // Nothing was taken: no slot in flight, and after the pause the full burst is there.
    assertThat(m.inFlight()).isZero();
    clock.advance(5, TimeUnit.SECONDS);
    Admission first = c.admit("e", null, 0);
    assertThat(first.waitedNanos()).isZero();
    assertThat(m.inFlight()).isEqualTo(1);
    first.release();
    assertThat(c.admit("e", null, 0).waitedNanos()).as("second of the burst").isZero();
  }

  @Test
  void aWaiterWithinMaxWaitHoldsNoSlotWhileItWaitsAndOneAfterwards() throws Exception {
    Controller c =
        controller(
            EndpointPolicy.builder("e")
                .rateLimit(rate().build())
                .concurrency(ConcurrencyPolicy.builder().max(1).queue(0).build())
                .build());
    EndpointMetrics m = c.metrics("e", null);
    long t0 = clock.nanoTime();
    c.onRetryAfter("e", null, 503, 4 * S);
    Admission a = c.admit("e", null, 0);
    assertThat(clock.nanoTime() - t0).isEqualTo(4 * S);
    assertThat(m.inFlight()).isEqualTo(1);
    a.onResult(200, ErrorKind.NONE, S, -1, 1, 2);
    a.release();
    assertThat(m.inFlight()).isZero();
  }

  @Test
  void theBucketTurnAfterThePauseCountsAgainstMaxWaitToo() throws Exception {
    Controller c = controller(endpoint(rate().maxWait(Duration.ofSeconds(2))));
    EndpointState s = (EndpointState) c.metrics("e", null);
    c.onRetryAfter("e", null, 429, 2 * S);
    // Two callers already waiting (other threads) hold the burst at the end of the pause...
    assertThat(s.requests.reserve(1, s.pause.until(), S)).isZero();
    assertThat(s.requests.reserve(1, s.pause.until(), S)).isZero();
    // ...so this one's turn is 100 ms after it: 2.1 s from now, more than 2 s.
    long t0 = clock.nanoTime();
    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> c.admit("e", null, 0));
    assertThat(clock.nanoTime()).isEqualTo(t0);
    assertThat(e.limiter()).isEqualTo(Limiter.REQUESTS);
    assertThat(e.retryAfterNanos()).isEqualTo(2_100 * MS);
    assertThat(e.getMessage())
        .isEqualTo(
            "Tollgate: endpoint 'e': the rate limit of 10 requests/s (burst 2) would make this"
                + " call wait 2.1s (after the backend's Retry-After pause until"
                + " 2026-01-01T00:00:02Z), more than rate_limit.max_wait 2.0s");
  }

  @Test
  void onlyA429Or503WithADelayPausesAndTheDelayIsCappedByMaxPause() throws Exception {
    Controller c = controller(endpoint(rate().maxPause(Duration.ofSeconds(30))));
    EndpointMetrics m = c.metrics("e", null);
    assertThat(c.onRetryAfter("e", null, 500, 5 * S)).isFalse();
    assertThat(c.onRetryAfter("e", null, 200, 5 * S)).isFalse();
    assertThat(c.onRetryAfter("e", null, 429, -1)).isFalse();
    assertThat(c.onRetryAfter("e", null, 429, 0)).isFalse();
    assertThat(c.onRetryAfter("unknown", null, 429, 5 * S)).isFalse();
    assertThat(m.pausedNanos()).isZero();
    assertThat(c.onRetryAfter("e", null, 429, 3_600 * S)).isTrue();
    assertThat(m.pausedNanos()).isEqualTo(30 * S);
  }

  @Test
  void respectRetryAfterFalseAndEndpointsWithoutARateLimitAreNotPaused() throws Exception {
    Controller c =
        controller(
            endpoint(rate().respectRetryAfter(false)),
            EndpointPolicy.builder("no-rate")
                .concurrency(ConcurrencyPolicy.builder().max(1).build())
                .build());
    assertThat(c.onRetryAfter("e", null, 429, 5 * S)).isFalse();
    assertThat(c.onRetryAfter("no-rate", null, 429, 5 * S)).isFalse();
    assertThat(c.metrics("e", null).hasRetryAfterPause()).isFalse();
    long t = clock.nanoTime();
    c.admit("e", null, 0);
    c.admit("no-rate", null, 0);
    assertThat(clock.nanoTime()).isEqualTo(t);
  }

  @Test
  void shouldRetryPausesTheEndpointAndTheRetryArrivesAsThePauseEnds() throws Exception {
    Controller c =
        controller(
            EndpointPolicy.builder("e")
                .rateLimit(rate().build())
                .retry(RetryPolicy.builder().maxAttempts(3).build())
                .build());
    long t0 = clock.nanoTime();
    Admission first = c.admit("e", null, 0);
    first.onResult(429, ErrorKind.NONE, 10 * MS, -1, -1, -1);
    RetryDecision d = c.shouldRetry("e", null, 1, 429, ErrorKind.NONE, null, 2 * S, false, -1);
    assertThat(d.retry()).isTrue();
    assertThat(c.metrics("e", null).pausedNanos()).isEqualTo(2 * S);
    c.awaitRetry(d);
    Admission retry = c.admit("e", null, 0, 2, -1);
    assertThat(retry.waitedNanos()).as("the pause ended as the retry woke").isZero();
    assertThat(clock.nanoTime() - t0).isEqualTo(2 * S);
    // No retry policy on a 503 either way: the pause is set all the same.
    assertThat(c.shouldRetry("e", null, 3, 503, ErrorKind.NONE, null, 5 * S, false, -1).retry())
        .isFalse();
    assertThat(c.metrics("e", null).pausedNanos()).isEqualTo(5 * S);
  }

  @Test
  void aModelWithItsOwnRateLimitHasItsOwnPauseOthersShareTheEndpoints() throws Exception {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("name", "openai");
    cfg.put("rate_limit", Map.of("requests_per_second", 10, "max_pause", "20s", "max_wait", "30s"));
    cfg.put(
        "models",
        Map.of(
            "gpt-4o",
            Map.of("rate_limit", Map.of("tokens_per_minute", 30_000)),
            "gpt-4o-mini",
            Map.of("concurrency", Map.of("max", 4))));
    Controller c = controller(PolicyParser.parseEndpoint(cfg));
    c.onRetryAfter("openai", "gpt-4o", 429, 5 * S);
    assertThat(c.metrics("openai", "gpt-4o").pausedNanos()).isEqualTo(5 * S);
    assertThat(c.metrics("openai", null).pausedNanos()).isZero();
    long t = clock.nanoTime();
    c.admit("openai", "gpt-4o-mini", 0);
    assertThat(clock.nanoTime()).as("not paused by gpt-4o's pause").isEqualTo(t);

    c.onRetryAfter("openai", "gpt-4o-mini", 429, 60 * S); // shares the endpoint's rate limit
    assertThat(c.metrics("openai", null).pausedNanos()).isEqualTo(20 * S);
    assertThat(c.metrics("openai", "gpt-4o-mini").hasRetryAfterPause()).isFalse();
    assertThat(c.metrics("openai", "gpt-4o-mini").pausedNanos()).isZero();
    assertThat(events)
        .contains("pause openai/gpt-4o 429 5000ms", "pause openai/gpt-4o-mini 429 20000ms");
    c.admit("openai", null, 0);
    assertThat(clock.nanoTime() - t).isEqualTo(20 * S);
  }
}
