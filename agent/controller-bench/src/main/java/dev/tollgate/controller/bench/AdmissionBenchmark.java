package dev.tollgate.controller.bench;

import dev.tollgate.controller.Admission;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RateLimitPolicy;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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
 * One admission plus its release, with limits that never refuse (so the fast path is what is
 * measured), for two implementations of the same configuration:
 *
 * <ul>
 *   <li>{@code tollgate}: the controller as it is now;
 *   <li>{@code r4j}: Resilience4j's primitives called directly (their leanest use: no decorators,
 *       no event consumers).
 * </ul>
 *
 * Two configurations, reported separately:
 *
 * <ul>
 *   <li>{@code rateBreaker}: a requests-per-second limit and a count-window breaker, against R4j
 *       {@code RateLimiter} + {@code CircuitBreaker}: like with like.
 *   <li>{@code all}: the same plus a concurrency cap, against R4j with a {@code Bulkhead} added.
 * </ul>
 *
 * The state is shared: {@code -t 1} is the uncontended cost, {@code -t 8} has every thread on the
 * same limiters. {@link Compare} runs the whole matrix in interleaved rounds and prints the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
  private Controller controller;
  private RateLimiter r4jRate;
  private CircuitBreaker r4jBreaker;
  private Bulkhead r4jBulkhead;

  @Setup
  public void setup() {
    RateLimitPolicy rate =
        RateLimitPolicy.builder().requestsPerSecond(1e8).burst(1_000_000_000L).build();
    ConcurrencyPolicy concurrency =
        ConcurrencyPolicy.builder().max(1_000).queue(0).maxWait(Duration.ZERO).build();
    CircuitBreakerPolicy cb = CircuitBreakerPolicy.builder().window(100).minCalls(100).build();
    EndpointPolicy rateBreaker =
        EndpointPolicy.builder("rateBreaker").rateLimit(rate).circuitBreaker(cb).build();
    EndpointPolicy all =
        EndpointPolicy.builder("all")
            .rateLimit(rate)
            .concurrency(concurrency)
            .circuitBreaker(cb)
            .build();
    controller = Controller.builder().endpoint(rateBreaker).endpoint(all).build();

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
        CircuitBreaker.of(
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
  public Object rateBreakerTollgate() throws Exception {
    Admission a = controller.admit("rateBreaker", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public boolean rateBreakerR4j() {
    boolean ok = r4jBreaker.tryAcquirePermission();
    ok &= r4jRate.acquirePermission();
    r4jBreaker.onSuccess(1_000, TimeUnit.NANOSECONDS);
    return ok;
  }

  @Benchmark
  public Object allTollgate() throws Exception {
    Admission a = controller.admit("all", null, 0);
    a.onResult(200, ErrorKind.NONE, 1_000, -1, 10, 20);
    return a;
  }

  @Benchmark
  public boolean allR4j() {
    boolean ok = r4jBreaker.tryAcquirePermission();
    ok &= r4jRate.acquirePermission();
    ok &= r4jBulkhead.tryAcquirePermission();
    r4jBulkhead.onComplete();
    r4jBreaker.onSuccess(1_000, TimeUnit.NANOSECONDS);
    return ok;
  }
}
