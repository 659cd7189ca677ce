package dev.tollgate.samples.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The portable engine on java.net.http: TLS and HTTP/2 for real endpoints. Slower than {@link
 * NioEngine} (a few thousand requests per second here), which does not matter against a real model.
 * Same measurements, same schedule.
 */
final class JdkEngine implements Engine {
  private final Plan plan;
  private final Stats stats = new Stats();
  private final HttpClient client;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final HttpRequest[] requests;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong lastCompletion = new AtomicLong(-1);
  private final AtomicInteger alive = new AtomicInteger();
  private final ConcurrentLinkedQueue<Long> queue = new ConcurrentLinkedQueue<>();
  private volatile boolean arrivalsDone;
  private long t0;
  private volatile long endNanos;

  JdkEngine(Plan plan) {
    this.plan = plan;
    executor =
        Executors.newFixedThreadPool(
            Math.max(2, plan.ioThreads() * 2),
            r -> {
              Thread t = new Thread(r, "loadgen-http");
              t.setDaemon(true);
              return t;
            });
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "loadgen-timer");
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(Duration.ofNanos(plan.timeoutNanos()));
    if (plan.target().scheme().equals("http")) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    client = b.build();
    List<Scenario.Template> templates = plan.templates();
    requests = new HttpRequest[templates.size()];
    for (int i = 0; i < requests.length; i++) {
      Scenario.Template t = templates.get(i);
      HttpRequest.Builder rb =
          HttpRequest.newBuilder(URI.create(plan.target().origin() + t.path()))
              .timeout(Duration.ofNanos(plan.timeoutNanos()))
              .header("Content-Type", "application/json")
              .header("Accept", t.stream() ? "text/event-stream" : "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(t.body()));
      for (int h = 0; h + 1 < t.headers().size(); h += 2) {
        rb.header(t.headers().get(h), t.headers().get(h + 1));
      }
      requests[i] = rb.build();
    }
  }

  @Override
  public void start(long t0) {
    this.t0 = t0;
    this.endNanos = plan.endNanos(t0);
    if (plan.openLoop()) {
      Thread d = new Thread(this::dispatchOpen, "loadgen-dispatch");
      d.setDaemon(true);
      d.start();
    } else {
      int n = plan.concurrency();
      alive.set(n);
      for (int k = 0; k < n; k++) {
        long delay = t0 + Schedule.rampOffsetNanos(k, n, plan.rampUpNanos()) - System.nanoTime();
        timer.schedule(this::issueClosed, Math.max(0, delay), TimeUnit.NANOSECONDS);
      }
    }
  }

  private void issueClosed() {
    long now = System.nanoTime();
    boolean ticket = plan.requests() == 0 || tickets.incrementAndGet() <= plan.requests();
    if (now >= endNanos || !ticket) {
      if (alive.decrementAndGet() == 0) {
        finish();
      }
      return;
    }
    send(now, this::issueClosed);
  }

  private void dispatchOpen() {
    long limit = plan.requests() == 0 ? Long.MAX_VALUE : plan.requests();
    for (long i = 0; i < limit; i++) {
      long due = Schedule.dueNanos(t0, plan.rate(), i);
      if (due >= endNanos || done.getCount() == 0) {
        break;
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      queue.add(due);
      drainOpen();
    }
    arrivalsDone = true;
    drainOpen();
  }

  /** Sends queued requests while fewer than --concurrency are in flight. */
  private void drainOpen() {
    while (true) {
      int in = stats.inflight.get();
      if (in >= plan.concurrency()) {
        break;
      }
      Long due = queue.poll();
      if (due == null) {
        break;
      }
      if (System.nanoTime() - due >= plan.timeoutNanos()) {
        stats.error(Outcome.TIMEOUT);
        continue;
      }
      send(due, this::drainOpen);
    }
    if (arrivalsDone && queue.isEmpty() && stats.inflight.get() == 0) {
      finish();
    }
  }

  private void send(long due, Runnable then) {
    int t = (int) (sequence.getAndIncrement() % requests.length);
    long sent = System.nanoTime();
    stats.inflight.incrementAndGet();
    BodyAnalyzer analyzer = new BodyAnalyzer();
    long remaining = Math.max(1, due + plan.timeoutNanos() - sent);
    CompletableFuture<HttpResponse<Void>> f =
        client
            .sendAsync(requests[t], info -> subscriber(info, analyzer))
            .orTimeout(remaining, TimeUnit.NANOSECONDS);
    f.whenComplete(
        (response, failure) -> {
          long now = System.nanoTime();
          stats.inflight.decrementAndGet();
          lastCompletion.accumulateAndGet(now, Math::max);
          if (failure != null) {
            stats.error(classify(failure));
          } else {
            Outcome o = Outcome.ofStatus(response.statusCode());
            if (o == Outcome.OK && analyzer.streamError()) {
              o = Outcome.STREAM_ERROR;
            }
            if (o == Outcome.OK) {
              boolean sse =
                  response
                      .headers()
                      .firstValue("content-type")
                      .orElse("")
                      .contains("text/event-stream");
              long first = analyzer.firstContentNanos();
              stats.ok(
                  now - due,
                  sse && first >= 0 ? first - due : -1,
                  plan.openLoop() ? now - sent : -1,
                  analyzer.tokens(),
                  plan.templates().get(t).price());
            } else {
              stats.error(o);
            }
          }
          then.run();
        });
  }

  private static Outcome classify(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return Outcome.TIMEOUT;
    }
    return t instanceof IOException ? Outcome.CONNECTION : Outcome.OTHER;
  }

  private static HttpResponse.BodySubscriber<Void> subscriber(
      HttpResponse.ResponseInfo info, BodyAnalyzer analyzer) {
    analyzer.reset(
        info.headers().firstValue("content-type").orElse("").contains("text/event-stream"));
    return HttpResponse.BodySubscribers.fromSubscriber(
        new Flow.Subscriber<List<ByteBuffer>>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(List<ByteBuffer> items) {
            long now = System.nanoTime();
            for (ByteBuffer b : items) {
              byte[] bytes = new byte[b.remaining()];
              b.get(bytes);
              analyzer.onBody(bytes, 0, bytes.length, now);
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        },
        s -> null);
  }

  private void finish() {
    if (done.getCount() > 0) {
      done.countDown();
      timer.shutdown();
      executor.shutdown();
    }
  }

  @Override
  public void abort() {
    endNanos = Long.MIN_VALUE;
    arrivalsDone = true;
    finish();
  }

  @Override
  public boolean await(long millis) throws InterruptedException {
    return done.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Stats[] stats() {
    return new Stats[] {stats};
  }

  @Override
  public long lastCompletionNanos() {
    return lastCompletion.get();
  }
}
