package dev.tollgate.controller.sim;

import dev.tollgate.controller.Admission;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.EndpointMetrics;
import dev.tollgate.controller.policy.ConcurrencyPolicy;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.time.FakeClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Discrete-event simulation of an LLM backend with a concurrency knee, driven through the real
 * {@link Controller} on a {@link FakeClock}: fast (a 30-minute run takes well under a second) and
 * deterministic (seeded).
 *
 * <p>The backend is processor-sharing: each of N calls in flight progresses at {@code min(1, K/N) /
 * (1 + theta * max(0, N - K))} of its unloaded speed, so latency is flat up to the knee K = 64,
 * grows past it, and total throughput {@code K / (1 + theta (N - K))} falls slowly (contention,
 * KV-cache thrash). A call's work is a prefill of 0.4 s plus 12 ms per output token, with output
 * tokens log-normal (median 300, sigma 0.6): long generations are slow without any overload, which
 * is what defeats latency-based limiters that do not normalize. 30 % of calls stream (time to first
 * chunk is the prefill). Clients give up after 60 s (a timeout). Demand is a closed loop of 600
 * clients with no think time, so the backend is always offered more than it can take.
 *
 * <p>Run: {@code mvn -pl agent/controller test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tollgate.controller.sim.AdaptiveLimitSimulation} or from an IDE.
 */
public final class AdaptiveLimitSimulation {
  static final int KNEE = 64;
  static final double THETA = 0.005;
  static final int CLIENTS = 600;
  static final double TIMEOUT_S = 60;
  static final double PREFILL_S = 0.4;
  static final double PER_TOKEN_S = 0.012;
  static final double STREAMING_SHARE = 0.3;

  /** Figures of one run, over its second half (steady state). */
  public static final class Result {
    public final String name;
    public final double goodput;
    public final double avgLimit;
    public final int minLimit;
    public final int maxLimit;
    public final double p50;
    public final double p95;
    public final long timeouts;

    Result(
        String name,
        double goodput,
        double avgLimit,
        int minLimit,
        int maxLimit,
        double p50,
        double p95,
        long timeouts) {
      this.name = name;
      this.goodput = goodput;
      this.avgLimit = avgLimit;
      this.minLimit = minLimit;
      this.maxLimit = maxLimit;
      this.p50 = p50;
      this.p95 = p95;
      this.timeouts = timeouts;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-14s goodput %6.2f req/s  limit avg %6.1f (%d..%d)  "
              + "latency p50 %5.1f s p95 %5.1f s  timeouts %d",
          name,
          goodput,
          avgLimit,
          minLimit,
          maxLimit,
          p50,
          p95,
          timeouts);
    }
  }

  private static final class Job {
    final double work;
    final double prefill;
    final long tokens;
    final boolean stream;
    double startTime;
    double startV;
    double ttft = -1;
    boolean done;
    Admission admission;

    Job(double work, double prefill, long tokens, boolean stream) {
      this.work = work;
      this.prefill = prefill;
      this.tokens = tokens;
      this.stream = stream;
    }
  }

  /** An event at a virtual-service target (completion or first chunk). */
  private static final class ServiceEvent {
    final double v;
    final Job job;
    final boolean first;

    ServiceEvent(double v, Job job, boolean first) {
      this.v = v;
      this.job = job;
      this.first = first;
    }
  }

  private AdaptiveLimitSimulation() {}

  static double rate(int n) {
    if (n <= 0) {
      return 1;
    }
    double share = Math.min(1.0, (double) KNEE / n);
    return share / (1 + THETA * Math.max(0, n - KNEE));
  }

  /** Runs one configuration for {@code seconds} of simulated time. */
  public static Result run(String name, ConcurrencyPolicy concurrency, double seconds, long seed)
      throws Exception {
    FakeClock clock = new FakeClock(0, 0);
    Controller controller =
        Controller.builder()
            .clock(clock)
            .sleeper(clock)
            .endpoint(EndpointPolicy.builder("backend").concurrency(concurrency).build())
            .build();
    EndpointMetrics metrics = controller.metrics("backend", null);
    Random random = new Random(seed);

    PriorityQueue<ServiceEvent> service = new PriorityQueue<>((a, b) -> Double.compare(a.v, b.v));
    PriorityQueue<Job> deadlines =
        new PriorityQueue<>((a, b) -> Double.compare(a.startTime, b.startTime));
    ArrayDeque<Job> waiting = new ArrayDeque<>();
    for (int i = 0; i < CLIENTS; i++) {
      waiting.add(newJob(random));
    }
    double t = 0;
    double v = 0;
    int active = 0;
    double measureFrom = seconds / 2;
    long ok = 0;
    long timeouts = 0;
    List<Double> latencies = new ArrayList<>();
    double limitArea = 0;
    int minLimit = Integer.MAX_VALUE;
    int maxLimit = 0;

    while (t < seconds) {
      // Admit waiting clients while there is room.
      while (!waiting.isEmpty() && metrics.inFlight() < metrics.concurrencyLimit()) {
        Job j = waiting.poll();
        j.admission = controller.admit("backend", null, 0);
        j.startTime = t;
        j.startV = v;
        active++;
        service.add(new ServiceEvent(v + j.work, j, false));
        if (j.stream) {
          service.add(new ServiceEvent(v + j.prefill, j, true));
        }
        deadlines.add(j);
      }
      // Next event: a service target or a client timeout.
      double r = rate(active);
      ServiceEvent next = service.peek();
      while (next != null && next.job.done) {
        service.poll();
        next = service.peek();
      }
      Job dl = deadlines.peek();
      while (dl != null && dl.done) {
        deadlines.poll();
        dl = deadlines.peek();
      }
      double tService = next == null ? Double.MAX_VALUE : t + (next.v - v) / r;
      double tDeadline = dl == null ? Double.MAX_VALUE : dl.startTime + TIMEOUT_S;
      double tNext = Math.min(Math.min(tService, tDeadline), seconds);
      int limit = metrics.concurrencyLimit();
      if (t >= measureFrom) {
        limitArea += limit * (tNext - t);
        minLimit = Math.min(minLimit, limit);
        maxLimit = Math.max(maxLimit, limit);
      }
      v += (tNext - t) * r;
      t = tNext;
      clock.advanceTo((long) (t * 1e9));
      if (t >= seconds) {
        break;
      }
      if (tService <= tDeadline) {
        service.poll();
        Job j = next.job;
        if (next.first) {
          j.ttft = t - j.startTime;
          continue;
        }
        j.done = true;
        active--;
        double latency = t - j.startTime;
        j.admission.onResult(
            200,
            ErrorKind.NONE,
            (long) (latency * 1e9),
            j.stream ? (long) (j.ttft * 1e9) : -1,
            j.tokens,
            j.tokens + 500);
        if (j.startTime >= measureFrom) {
          ok++;
          latencies.add(latency);
        }
      } else {
        deadlines.poll();
        Job j = dl;
        j.done = true;
        active--;
        j.admission.onResult(0, ErrorKind.TIMEOUT, (long) (TIMEOUT_S * 1e9), -1, -1, -1);
        if (j.startTime >= measureFrom) {
          timeouts++;
        }
      }
      waiting.add(newJob(random)); // the client sends its next call
    }
    double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(lat);
    double span = seconds - measureFrom;
    return new Result(
        name,
        ok / span,
        limitArea / span,
        minLimit,
        maxLimit,
        pct(lat, 0.5),
        pct(lat, 0.95),
        timeouts);
  }

  private static Job newJob(Random random) {
    long tokens =
        Math.max(20, Math.min(4000, Math.round(300 * Math.exp(0.6 * random.nextGaussian()))));
    boolean stream = random.nextDouble() < STREAMING_SHARE;
    return new Job(PREFILL_S + tokens * PER_TOKEN_S, PREFILL_S, tokens, stream);
  }

  private static double pct(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
  }

  static ConcurrencyPolicy fixed(int max) {
    return ConcurrencyPolicy.builder().max(max).queue(CLIENTS).maxWait(Duration.ofHours(1)).build();
  }

  static ConcurrencyPolicy adaptive() {
    return ConcurrencyPolicy.builder()
        .adaptive(true)
        .min(4)
        .max(500)
        .initial(16)
        .queue(CLIENTS)
        .maxWait(Duration.ofHours(1))
        .build();
  }

  /** The comparison the issue asks for: adaptive vs the best fixed limit vs a fixed 500. */
  public static List<Result> compare(double seconds, long seed) throws Exception {
    List<Result> out = new ArrayList<>();
    for (int max : new int[] {32, 48, 56, 64, 72, 80, 96, 128, 200, 500}) {
      out.add(run("fixed " + max, fixed(max), seconds, seed));
    }
    out.add(run("adaptive", adaptive(), seconds, seed));
    return out;
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1800;
    System.out.printf(
        Locale.ROOT,
        "Backend: knee %d, theta %.3f, %d closed-loop clients, timeout %.0f s, %.0f s simulated "
            + "(figures over the second half)%n",
        KNEE,
        THETA,
        CLIENTS,
        TIMEOUT_S,
        seconds);
    for (long seed : new long[] {1, 2, 3}) {
      List<Result> results = compare(seconds, seed);
      Result best = null;
      Result adaptive = null;
      Result f500 = null;
      System.out.println("seed " + seed);
      for (Result r : results) {
        System.out.println("  " + r);
        if (r.name.equals("adaptive")) {
          adaptive = r;
        } else {
          if (best == null || r.goodput > best.goodput) {
            best = r;
          }
          if (r.name.equals("fixed 500")) {
            f500 = r;
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "  => adaptive %.1f %% of the best fixed (%s); fixed 500 %.1f %% of the best%n",
          100 * adaptive.goodput / best.goodput,
          best.name,
          100 * f500.goodput / best.goodput);
    }
  }
}
