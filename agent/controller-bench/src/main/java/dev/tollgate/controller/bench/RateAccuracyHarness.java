package dev.tollgate.controller.bench;

import dev.tollgate.controller.Admission;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.RateLimitPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real-time companion of the deterministic rate test: 64 threads call {@code admit} as fast as they
 * can for 10 s (after a 1 s warm-up that drains the burst) against a requests-per-second limit, and
 * the delivered rate is printed. A harness, not a test: it takes wall time.
 *
 * <p>Run: {@code java -cp agent/controller-bench/target/benchmarks.jar
 * dev.tollgate.controller.bench.RateAccuracyHarness [rate] [threads] [seconds]}
 */
public final class RateAccuracyHarness {
  private RateAccuracyHarness() {}

  public static void main(String[] args) throws Exception {
    double rate = args.length > 0 ? Double.parseDouble(args[0]) : 500;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    Controller c =
        Controller.builder()
            .endpoint(
                EndpointPolicy.builder("e")
                    .rateLimit(
                        RateLimitPolicy.builder()
                            .requestsPerSecond(rate)
                            .burst(Math.max(1, (long) (rate / 10)))
                            .maxWait(Duration.ofSeconds(60))
                            .build())
                    .build())
            .build();
    long start = System.nanoTime();
    long from = start + 1_000_000_000L;
    long until = from + (long) (seconds * 1e9);
    AtomicLong counted = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  for (; ; ) {
                    Admission a = c.admit("e", null, 0);
                    long now = System.nanoTime();
                    a.release();
                    if (now >= until) {
                      return;
                    }
                    if (now >= from) {
                      counted.incrementAndGet();
                    }
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
    double delivered = counted.get() / seconds;
    System.out.printf(
        Locale.ROOT,
        "configured %.1f/s, %d threads, %.0f s: delivered %.2f/s (%+.2f %%)%n",
        rate,
        threads,
        seconds,
        delivered,
        100 * (delivered - rate) / rate);
  }
}
