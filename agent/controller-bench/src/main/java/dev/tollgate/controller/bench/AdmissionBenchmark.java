package dev.tollgate.controller.bench;

import dev.tollgate.controller.Admission;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.breaker.CircuitBreaker;
import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.ratelimit.TokenBucket;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Admission plus release, with limits that never refuse (so the fast path is what is measured),
 * beside Resilience4j in the same run. Shared state: run with {@code -t 1} (uncontended) and {@code
 * -t 8} (every thread on the same limiter).
 *
 * <ul>
 *   <li>{@code tollgateNoLimits}: an endpoint with nothing to enforce (the no-op permit).
 *   <li>{@code tollgateRate} / {@code r4jRateLimiter}: a requests-per-second limit alone.
 *   <li>{@code tollgateBreaker} / {@code r4jCircuitBreaker}: a breaker alone (count window).
 *   <li>{@code tollgateConcurrency} / {@code r4jBulkhead}: a concurrency cap alone.
 *   <li>{@code tollgateAll} / {@code r4jAll}: rate limit, concurrency cap and breaker together.
 *   <li>{@code tokenBucketRaw} / {@code breakerRaw}: the primitives without the facade.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
  private Controller controller;
  private TokenBucket bucket;
  private CircuitBreaker breaker;
  private RateLimiter r4jRate;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;
  private Bulkhead r4jBulkhead;

  @Setup
  public void setup() {
    RateLimitPolicy rate =
        RateLimitPolicy.builder().requestsPerSecond(1e8).burst(1_000_000_000L).build();
    ConcurrencyPolicy concurrency =
        ConcurrencyPolicy.builder().max(1_000).queue(0).maxWait(Duration.ZERO).build();
    CircuitBreakerPolicy cb = CircuitBreakerPolicy.builder().window(100).minCalls(100).build();
    controller =
        Controller.builder()
            .endpoint(EndpointPolicy.builder("none").build())
            .endpoint(EndpointPolicy.builder("rate").rateLimit(rate).build())
            .endpoint(EndpointPolicy.builder("breaker").circuitBreaker(cb).build())
            .endpoint(EndpointPolicy.builder("concurrency").concurrency(concurrency).build())
            .endpoint(
                EndpointPolicy.builder("all")
                    .rateLimit(rate)
                    .concurrency(concurrency)
                    .circuitBreaker(cb)
                    .build())
            .build();
    bucket = TokenBucket.perSecond(1e8, 1_000_000_000L, System.nanoTime());
    breaker = new CircuitBreaker(cb, null);

    // Resilience4j as its own benchmarks configure it: never blocks.
    r4jRate =
        RateLimiter.of(
            "r4j",
            RateLimiterConfig.custom()
                .limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofNanos(10))
                .timeoutDuration(Duration.ZERO)
                .build());
    r4jBreaker =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "r4j",
            CircuitBreakerConfig.custom().slidingWindowSize(100).minimumNumberOfCalls(100).build());
    r4jBulkhead =
        Bulkhead.of(
            "r4j",
            BulkheadConfig.custom()
                .maxConcurrentCalls(1_000)
                .maxWaitDuration(Duration.ZERO)
                .build());
  }

  @Benchmark
  public Object tollgateNoLimits() throws Exception {
    Admission a = controller.admit("none", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public Object tollgateRate() throws Exception {
    Admission a = controller.admit("rate", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public Object tollgateBreaker() throws Exception {
    Admission a = controller.admit("breaker", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public Object tollgateConcurrency() throws Exception {
    Admission a = controller.admit("concurrency", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public Object tollgateAll() throws Exception {
    Admission a = controller.admit("all", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public long tokenBucketRaw() {
    return bucket.tryAcquire(System.nanoTime());
  }

  @Benchmark
  public Object breakerRaw() {
    long now = System.nanoTime();
    CircuitBreaker.Ticket t = breaker.tryAcquire(now);
    breaker.onResult(t, false, 1_000, now);
    return t;
  }

  @Benchmark
  public boolean r4jRateLimiter() {
    return r4jRate.acquirePermission();
  }

  @Benchmark
  public boolean r4jCircuitBreaker() {
    boolean ok = r4jBreaker.tryAcquirePermission();
    r4jBreaker.onSuccess(1_000, TimeUnit.NANOSECONDS);
    return ok;
  }

  @Benchmark
  public boolean r4jBulkhead() {
    boolean ok = r4jBulkhead.tryAcquirePermission();
    r4jBulkhead.onComplete();
    return ok;
  }

  @Benchmark
  public boolean r4jAll() {
    boolean ok = r4jBreaker.tryAcquirePermission();
    ok &= r4jRate.acquirePermission();
    ok &= r4jBulkhead.tryAcquirePermission();
    r4jBulkhead.onComplete();
    r4jBreaker.onSuccess(1_000, TimeUnit.NANOSECONDS);
    return ok;
  }
}
