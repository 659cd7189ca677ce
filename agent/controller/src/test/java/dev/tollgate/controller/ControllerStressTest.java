package dev.tollgate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.controller.breaker.BreakerState;
import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.policy.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 64 threads through the whole facade on the real clock: a fixed and an adaptive endpoint, each
 * with a rate limit, a queue, a breaker and retries, outcomes of every kind, permits finished by
 * onResult, by release, by both, twice, or from another thread. No timing is asserted, only
 * bookkeeping: the concurrency cap holds, and afterwards nothing is in flight or queued.
 */
class ControllerStressTest {

  @Test
  void sixtyFourThreadsLoseAndLeakNoPermits() throws Exception {
    Controller c =
        Controller.builder()
            .endpoint(
                policy(
                    "fixed",
                    ConcurrencyPolicy.builder()
                        .max(8)
                        .queue(32)
                        .maxWait(Duration.ofMillis(2))
                        .build()))
            .endpoint(
                policy(
                    "adaptive",
                    ConcurrencyPolicy.builder()
                        .adaptive(true)
                        .min(2)
                        .max(16)
                        .initial(8)
                        .queue(32)
                        .maxWait(Duration.ofMillis(2))
                        .build()))
            .build();
    String[] names = {"fixed", "adaptive"};
    AtomicInteger[] concurrent = {new AtomicInteger(), new AtomicInteger()};
    AtomicInteger maxFixed = new AtomicInteger();
    AtomicLong admitted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      Thread th =
          new Thread(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 1_000; i++) {
                  int e = r.nextInt(2);
                  Admission a;
                  try {
                    a = c.admit(names[e], null, r.nextInt(1, 100));
                  } catch (TollgateRejectedException x) {
                    rejected.incrementAndGet();
                    continue;
                  } catch (Throwable x) {
                    errors.incrementAndGet();
                    continue;
                  }
                  admitted.incrementAndGet();
                  int now = concurrent[e].incrementAndGet();
                  if (e == 0) {
                    maxFixed.accumulateAndGet(now, Math::max);
                  }
                  if (r.nextInt(4) == 0) {
                    Thread.yield();
                  }
                  concurrent[e].decrementAndGet();
                  try {
                    finish(a, r);
                    c.shouldRetry(names[e], null, 1, 503, ErrorKind.NONE, null, -1, false, -1);
                  } catch (Throwable x) {
                    errors.incrementAndGet();
                  }
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join(120_000);
    }
    assertThat(errors.get()).isZero();
    assertThat(admitted.get() + rejected.get()).isEqualTo(64_000);
    assertThat(admitted.get()).isPositive();
    assertThat(maxFixed.get()).isLessThanOrEqualTo(8);
    long admissions = 0;
    long rejections = 0;
    for (EndpointMetrics m : c.endpoints()) {
      assertThat(m.inFlight()).as(m.endpoint()).isZero();
      assertThat(m.queueDepth()).as(m.endpoint()).isZero();
      admissions += m.admissions();
      for (Limiter l : Limiter.values()) {
        rejections += m.rejections(l);
      }
    }
    assertThat(admissions).isEqualTo(admitted.get());
    assertThat(rejections).isEqualTo(rejected.get());
    // Still usable at full capacity.
    List<Admission> all = new ArrayList<>();
    EndpointMetrics fixed = c.metrics("fixed", null);
    if (fixed.breakerState() == BreakerState.CLOSED) {
      for (int i = 0; i < 8; i++) {
        all.add(c.admit("fixed", null, 1));
      }
      assertThat(fixed.inFlight()).isEqualTo(8);
      all.forEach(Admission::release);
      assertThat(fixed.inFlight()).isZero();
    }
  }

  @Test
  void retryAfterPausesSetConcurrentlyNeverShortenAndLeakNoPermits() throws Exception {
    Controller c =
        Controller.builder()
            .endpoint(
                EndpointPolicy.builder("p")
                    .rateLimit(
                        RateLimitPolicy.builder()
                            .requestsPerSecond(1_000_000)
                            .burst(1_000)
                            .maxWait(Duration.ofMillis(1))
                            .build())
                    .concurrency(
                        ConcurrencyPolicy.builder()
                            .max(4)
                            .queue(64)
                            .maxWait(Duration.ofMillis(5))
                            .build())
                    .build())
            .build();
    EndpointState state = (EndpointState) c.metrics("p", null);
    AtomicLong admitted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong shortened = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread watcher =
        new Thread(
            () -> {
              long last = state.pause.until();
              while (!done.get()) {
                long u = state.pause.until();
                if (u - last < 0) {
                  shortened.incrementAndGet();
                }
                last = u;
                Thread.yield();
              }
            });
    watcher.start();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      Thread th =
          new Thread(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000; i++) {
                  if (r.nextInt(50) == 0) {
                    // 0 to 2 ms: some pauses fit in max_wait (1 ms), some do not.
                    c.onRetryAfter(
                        "p", null, r.nextBoolean() ? 429 : 503, r.nextLong(0, 2_000_000));
                  }
                  Admission a;
                  try {
                    a = c.admit("p", null, 0);
                  } catch (TollgateRejectedException x) {
                    rejected.incrementAndGet();
                    continue;
                  } catch (Throwable x) {
                    errors.incrementAndGet();
                    continue;
                  }
                  admitted.incrementAndGet();
                  if (r.nextBoolean()) {
                    a.onResult(200, ErrorKind.NONE, 1_000, -1, 1, 2);
                  }
                  a.release();
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join(120_000);
    }
    done.set(true);
    watcher.join();
    assertThat(errors.get()).isZero();
    assertThat(shortened.get()).as("the pause never moved back").isZero();
    assertThat(admitted.get() + rejected.get()).isEqualTo(32_000);
    EndpointMetrics m = c.metrics("p", null);
    assertThat(m.inFlight()).isZero();
    assertThat(m.queueDepth()).isZero();
    assertThat(m.pauses()).isPositive();
    assertThat(m.rejections(Limiter.RETRY_AFTER)).isPositive();
    assertThat(m.waits(Limiter.RETRY_AFTER)).isPositive();
    long rejections = 0;
    for (Limiter l : Limiter.values()) {
      rejections += m.rejections(l);
    }
    assertThat(rejections).isEqualTo(rejected.get());
    assertThat(m.admissions()).isEqualTo(admitted.get());
  }

  private static void finish(Admission a, ThreadLocalRandom r) throws InterruptedException {
    switch (r.nextInt(6)) {
      case 0:
        a.release();
        break;
      case 1:
        a.onResult(200, ErrorKind.NONE, r.nextLong(1, 5_000_000), -1, 50, 100);
        a.release();
        a.onResult(500, ErrorKind.NONE, 1, -1, -1, -1);
        break;
      case 2:
        a.onResult(503, ErrorKind.NONE, 1_000, -1, -1, -1);
        break;
      case 3:
        a.onResult(0, ErrorKind.TIMEOUT, 1_000, -1, -1, -1);
        break;
      case 4:
        {
          // Finished on another thread, racing a release on this one.
          Thread other = new Thread(() -> a.onResult(200, ErrorKind.NONE, 10_000, 5_000, 20, 40));
          other.start();
          a.release();
          other.join();
          break;
        }
      default:
        a.onResult(200, ErrorKind.NONE, r.nextLong(1, 5_000_000), -1, r.nextLong(1, 500), 600);
    }
  }

  private static EndpointPolicy policy(String name, ConcurrencyPolicy concurrency) {
    return EndpointPolicy.builder(name)
        .rateLimit(
            RateLimitPolicy.builder()
                .requestsPerSecond(200_000)
                .burst(1_000)
                .tokensPerMinute(1_000_000_000)
                .maxWait(Duration.ofMillis(1))
                .build())
        .concurrency(concurrency)
        .circuitBreaker(
            CircuitBreakerPolicy.builder()
                .failureRate(0.9)
                .window(50)
                .minCalls(20)
                .openFor(Duration.ofMillis(1))
                .halfOpenCalls(2)
                .halfOpenTimeout(Duration.ofMillis(50))
                .build())
        .retry(RetryPolicy.builder().build())
        .build();
  }
}
