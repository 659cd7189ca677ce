package dev.tollgate.sidecar.bench;

import static dev.tollgate.sidecar.testing.Otlp.bool;
import static dev.tollgate.sidecar.testing.Otlp.dbl;
import static dev.tollgate.sidecar.testing.Otlp.num;
import static dev.tollgate.sidecar.testing.Otlp.str;

import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.App;
import dev.tollgate.sidecar.aggregate.Filter;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.testing.Otlp;
import io.opentelemetry.proto.trace.v1.Span;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark harness (not a unit test): ingest throughput through OTLP protobuf batches over HTTP
 * on loopback, summary latency with a million calls in the window, and heap used.
 *
 * <pre>
 * mvn -B -q -pl sidecar test-compile exec:exec@bench
 * </pre>
 *
 * Options (system properties): -Dbench.calls=1000000 -Dbench.batch=512 -Dbench.clients=2
 */
public final class SidecarBench {
  private static final int CALLS = Integer.getInteger("bench.calls", 1_000_000);
  private static final int BATCH = Integer.getInteger("bench.batch", 512);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 2);
  private static final int PAYLOADS = 64;

  private SidecarBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("tollgate-bench");
    System.out.printf(
        "java %s, %d cpus, max heap %d MB%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    App app = App.start(Config.defaults().withDataDir(dir).withPort(0));
    try {
      run(app);
    } finally {
      long t0 = System.nanoTime();
      app.close();
      System.out.printf("shutdown (final flush) took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static void run(App app) throws Exception {
    String base = "http://127.0.0.1:" + app.port();
    byte[][] payloads = payloads();
    System.out.printf(
        "payload: %d spans, %d KB protobuf (%d distinct payloads)%n",
        BATCH, payloads[0].length >> 10, PAYLOADS);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // Warm-up: JIT, connection set-up. These calls also stay in the window.
    int warmupRequests = 100;
    ingest(http, base, payloads, warmupRequests);
    int requests = (CALLS + BATCH - 1) / BATCH;
    long t0 = System.nanoTime();
    ingest(http, base, payloads, requests);
    double secs = (System.nanoTime() - t0) / 1e9;
    long calls = (long) requests * BATCH;
    System.out.printf(
        "INGEST: %,d calls in %d requests over %.2f s = %,.0f calls/s (%d client threads)%n",
        calls, requests, secs, calls / secs, CLIENTS);
    long inWindow = app.aggregator().query(Filter.ALL, Duration.ofMinutes(15)).calls();
    System.out.printf("calls in the 15m window: %,d; series: %d%n", inWindow, app.aggregator().seriesCount());

    latency(http, base + "/api/v1/summary?window=15m", "SUMMARY window=15m (HTTP)");
    latency(http, base + "/api/v1/summary?window=24h", "SUMMARY window=24h (HTTP)");
    latency(
        http,
        base + "/api/v1/summary?window=15m&service=svc-3&model=gpt-4o",
        "SUMMARY window=15m filtered (HTTP)");
    latency(http, base + "/api/v1/breakdown?by=model&window=1h", "BREAKDOWN by=model 1h (HTTP)");
    latency(
        http,
        base + "/api/v1/timeseries?metric=latency_p95&step=1m&window=1h",
        "TIMESERIES latency_p95 1m/1h (HTTP)");
    inProcess(app);

    long flushStart = System.nanoTime();
    app.flush();
    System.out.printf("flush of dirty rollups: %d ms%n", (System.nanoTime() - flushStart) / 1_000_000);
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.printf("HEAP used after GC with %,d calls in the window: %d MB%n", inWindow, heap >> 20);
  }

  private static void ingest(HttpClient http, String base, byte[][] payloads, int requests)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  int i;
                  while ((i = next.getAndIncrement()) < requests) {
                    HttpResponse<Void> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(payloads[i % payloads.length]))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("status " + r.statusCode());
                    }
                  }
                } catch (Exception e) {
                  synchronized (errors) {
                    errors.add(e);
                  }
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("ingest failed", errors.get(0));
    }
  }

  private static void latency(HttpClient http, String url, String label) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
    for (int i = 0; i < 100; i++) {
      http.send(req, HttpResponse.BodyHandlers.discarding());
    }
    int n = 1000;
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      nanos[i] = System.nanoTime() - t;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " -> " + r.statusCode());
      }
    }
    report(label, nanos);
  }

  private static void inProcess(App app) {
    int n = 2000;
    long[] nanos = new long[n];
    for (int i = 0; i < n + 200; i++) {
      long t = System.nanoTime();
      app.aggregator().query(Filter.ALL, Duration.ofMinutes(15));
      if (i >= 200) {
        nanos[i - 200] = System.nanoTime() - t;
      }
    }
    report("Aggregator.query 15m (in-process)", nanos);
  }

  private static void report(String label, long[] nanos) {
    Arrays.sort(nanos);
    System.out.printf(
        "%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)%n",
        label,
        nanos[nanos.length / 2] / 1e6,
        nanos[(int) (nanos.length * 0.99)] / 1e6,
        nanos[nanos.length - 1] / 1e6,
        nanos.length);
  }

  /** Distinct batches of agent-like spans: 20 services x 4 models x 3 endpoints = 240 series. */
  private static byte[][] payloads() {
    Random r = new Random(1);
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "deepseek-chat"};
    String[] providers = {"openai", "openai", "anthropic", "deepseek"};
    Instant now = Instant.now();
    byte[][] out = new byte[PAYLOADS][];
    for (int p = 0; p < PAYLOADS; p++) {
      String service = "svc-" + (p % 20);
      List<Span> spans = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        int m = r.nextInt(models.length);
        double seconds = Math.exp(r.nextGaussian() * 0.8 + 0.7);
        Otlp.Call c =
            Otlp.call(providers[m], models[m])
                .endpoint("ep-" + r.nextInt(3))
                .endAt(now.minusMillis(r.nextInt(300_000)))
                .duration(seconds)
                .attr(str(GenAi.RESPONSE_MODEL, models[m] + "-2025-01-01"))
                .attr(num(GenAi.HTTP_RESPONSE_STATUS_CODE, 200))
                .attr(str(Tollgate.CLIENT, "okhttp"))
                .attr(bool(Tollgate.STREAM_COMPLETE, true))
                .attr(dbl(Tollgate.WAIT_SECONDS, 0.0))
                .attr(num(Tollgate.ATTEMPT, r.nextInt(20) == 0 ? 2 : 1))
                .tokens(r.nextInt(4000), r.nextInt(800))
                .attr(num(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, r.nextInt(1000)))
                .attr(num(GenAi.USAGE_REASONING_OUTPUT_TOKENS, r.nextInt(100)));
        if (r.nextBoolean()) {
          c.ttft(seconds * r.nextDouble());
        }
        if (r.nextInt(50) == 0) {
          c.error(r.nextBoolean() ? "429" : "timeout");
        }
        spans.add(c.build());
      }
      out[p] = Otlp.traces(service, spans).toByteArray();
    }
    return out;
  }
}
