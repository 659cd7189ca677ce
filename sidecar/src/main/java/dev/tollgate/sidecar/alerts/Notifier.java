package dev.tollgate.sidecar.alerts;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends notifications. Each receiver has its own queue and its own thread, which posts, and on
 * failure retries with exponential backoff; so a slow or failing receiver holds up neither the
 * evaluation (which only enqueues) nor any other receiver. A full queue (1,000 messages) drops its
 * oldest message. Outcomes are counted per receiver: {@code success}, {@code retry} (an attempt
 * that failed and will be tried again), {@code failure} (given up) and {@code dropped}.
 */
public final class Notifier implements NotificationSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Notifier.class.getName());
  static final int QUEUE_LIMIT = 1000;

  /** Outcome names, as in {@code tollgate_alert_notifications_total{result}}. */
  public static final List<String> RESULTS = List.of("success", "retry", "failure", "dropped");

  private final Clock clock;
  private final Duration evalInterval;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final Map<String, Instant> lastResend = new HashMap<>();

  public Notifier(List<Receiver> receivers, Clock clock, Duration evalInterval) {
    this.clock = clock;
    this.evalInterval = evalInterval;
    for (Receiver r : receivers) {
      Worker w = new Worker(r);
      workers.put(r.name(), w);
      w.thread.start();
    }
  }

  public List<Receiver> receivers() {
    List<Receiver> out = new ArrayList<>();
    workers.values().forEach(w -> out.add(w.receiver));
    return out;
  }

  /** How many notifications to {@code receiver} ended with {@code result}. */
  public long count(String receiver, String result) {
    Worker w = workers.get(receiver);
    AtomicLong c = w == null ? null : w.counts.get(result);
    return c == null ? 0 : c.get();
  }

  /** Messages waiting for {@code receiver} (the one being sent included). */
  public int pending(String receiver) {
    Worker w = workers.get(receiver);
    return w == null ? 0 : w.queue.size() + (w.busy ? 1 : 0);
  }

  private static boolean routedTo(AlertView a, Receiver r) {
    return a.receivers().isEmpty() || a.receivers().contains(r.name());
  }

  /** Enqueues one evaluation's state changes: per receiver, one message per status. */
  @Override
  public void dispatch(List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (Worker w : workers.values()) {
      Receiver r = w.receiver;
      List<Notification> firing = new ArrayList<>();
      List<Notification> resolved = new ArrayList<>();
      for (Notification n : notifications) {
        if (!routedTo(n.alert(), r)) {
          continue;
        }
        (n.event() == Evaluator.Event.RESOLVED ? resolved : firing).add(n);
      }
      if (r instanceof Receiver.Alertmanager am) {
        List<AlertView> alerts = new ArrayList<>();
        for (Notification n : firing) {
          if (n.event() == Evaluator.Event.FIRING) {
            alerts.add(n.alert());
          }
        }
        resolved.forEach(n -> alerts.add(n.alert()));
        if (!alerts.isEmpty()) {
          w.submit(Payloads.alertmanager(alerts, now, validFor(am)), alerts.size() + " alert(s)");
        }
        continue;
      }
      boolean sendResolved =
          r instanceof Receiver.Webhook wh
              ? wh.sendResolved()
              : ((Receiver.Slack) r).sendResolved();
      boolean slack = r instanceof Receiver.Slack;
      if (!firing.isEmpty()) {
        w.submit(
            slack ? Payloads.slack(firing) : Payloads.webhook(r.name(), firing), describe(firing));
      }
      if (!resolved.isEmpty() && sendResolved) {
        w.submit(
            slack ? Payloads.slack(resolved) : Payloads.webhook(r.name(), resolved),
            describe(resolved));
      }
    }
  }

  /**
   * Called after every evaluation with all firing alerts: re-sends them to each Alertmanager
   * receiver whose resend interval has passed, so Alertmanager does not let them expire.
   */
  @Override
  public void resendFiring(List<AlertView> firing) {
    Instant now = clock.instant();
    for (Worker w : workers.values()) {
      if (!(w.receiver instanceof Receiver.Alertmanager am)) {
        continue;
      }
      List<AlertView> mine = new ArrayList<>();
      for (AlertView a : firing) {
        if (routedTo(a, am)) {
          mine.add(a);
        }
      }
      Instant last = lastResend.get(am.name());
      if (mine.isEmpty() || last != null && now.isBefore(last.plus(am.resendInterval()))) {
        continue;
      }
      lastResend.put(am.name(), now);
      w.submit(
          Payloads.alertmanager(mine, now, validFor(am)),
          mine.size() + " firing alert(s), re-sent");
    }
  }

  /** How long Alertmanager should consider a firing alert valid: four resends (as Prometheus). */
  private Duration validFor(Receiver.Alertmanager am) {
    Duration d =
        am.resendInterval().compareTo(evalInterval) > 0 ? am.resendInterval() : evalInterval;
    return d.multipliedBy(4);
  }

  private static String describe(List<Notification> ns) {
    StringBuilder sb = new StringBuilder();
    for (Notification n : ns) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      if (sb.length() > 200) {
        sb.append("...");
        break;
      }
      sb.append(n.alert().rule()).append(' ').append(n.event().label());
    }
    return sb.toString();
  }

  /** Stops the workers, giving queued messages up to {@code grace} to go out. */
  public void close(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    for (Worker w : workers.values()) {
      w.closing = true;
    }
    for (Worker w : workers.values()) {
      try {
        w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (w.thread.isAlive()) {
        w.thread.interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  private record Message(byte[] body, String what) {}

  private final class Worker implements Runnable {
    final Receiver receiver;
    final Thread thread;
    final HttpClient http;
    final LinkedBlockingDeque<Message> queue = new LinkedBlockingDeque<>(QUEUE_LIMIT);
    final Map<String, AtomicLong> counts = new LinkedHashMap<>();
    volatile boolean closing;
    volatile boolean busy;

    Worker(Receiver receiver) {
      this.receiver = receiver;
      for (String r : RESULTS) {
        counts.put(r, new AtomicLong());
      }
      this.http =
          HttpClient.newBuilder()
              .connectTimeout(receiver.timeout())
              // Plain HTTP/1.1: no h2c upgrade headers for webhook servers and proxies to trip on.
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      this.thread = new Thread(this, "tollgate-alert-receiver-" + receiver.name());
      thread.setDaemon(true);
    }

    void submit(byte[] body, String what) {
      Message m = new Message(body, what);
      while (!queue.offerLast(m)) {
        if (queue.pollFirst() != null) {
          counts.get("dropped").incrementAndGet();
          LOG.warning(
              "alert receiver '" + receiver.name() + "': queue full, dropped the oldest message");
        }
      }
    }

    @Override
    public void run() {
      while (true) {
        Message m;
        try {
          m = queue.poll(closing ? 0 : 200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (m == null) {
          if (closing) {
            return;
          }
          continue;
        }
        busy = true;
        try {
          deliver(m);
        } catch (InterruptedException e) {
          return;
        } finally {
          busy = false;
        }
      }
    }

    private void deliver(Message m) throws InterruptedException {
      Receiver.Delivery d = receiver.delivery();
      Duration backoff = d.initialBackoff();
      for (int attempt = 1; ; attempt++) {
        String problem;
        boolean retryable;
        try {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(receiver.url())
                  .timeout(receiver.timeout())
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "tollgate-sidecar")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
          receiver.headers().forEach(b::header);
          HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
          int s = r.statusCode();
          if (s >= 200 && s < 300) {
            counts.get("success").incrementAndGet();
            LOG.fine(() -> "alert receiver '" + receiver.name() + "': sent " + m.what());
            return;
          }
          problem = "HTTP " + s;
          retryable = s >= 500 || s == 429 || s == 408;
        } catch (IOException e) {
          // The message may name the host but never the path or query (where tokens live).
          problem = e.getClass().getSimpleName();
          retryable = true;
        } catch (IllegalArgumentException e) {
          // The message could quote the URL or a header value: say only what kind of problem.
          problem = "invalid request (check the receiver's url and headers)";
          retryable = false;
        }
        if (!retryable || attempt >= d.maxAttempts()) {
          counts.get("failure").incrementAndGet();
          LOG.log(
              Level.WARNING,
              "alert receiver '"
                  + receiver.name()
                  + "' ("
                  + receiver.type()
                  + "): "
                  + problem
                  + "; gave up after "
                  + attempt
                  + " attempt(s) on "
                  + m.what());
          return;
        }
        counts.get("retry").incrementAndGet();
        LOG.info(
            "alert receiver '"
                + receiver.name()
                + "' ("
                + receiver.type()
                + "): "
                + problem
                + "; retrying in "
                + Rules.format(backoff)
                + " (attempt "
                + attempt
                + " of "
                + d.maxAttempts()
                + ")");
        Thread.sleep(backoff.toMillis());
        Duration next = backoff.multipliedBy(2);
        backoff = next.compareTo(d.maxBackoff()) > 0 ? d.maxBackoff() : next;
      }
    }
  }
}
