package dev.tollgate.sidecar.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where notifications go. The URL and headers are secrets (a Slack webhook URL is a credential):
 * {@code toString} leaves them out, and nothing logs them.
 */
public sealed interface Receiver {
  String name();

  URI url();

  Duration timeout();

  Map<String, String> headers();

  Delivery delivery();

  /** {@code webhook}, {@code slack} or {@code alertmanager}. */
  String type();

  /**
   * Retry policy: up to {@code maxAttempts} tries, waiting {@code initialBackoff} after the first
   * failure and doubling up to {@code maxBackoff}. 5xx, 429 and network errors are retried; other
   * 4xx are not (the request itself is wrong).
   */
  record Delivery(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final Delivery DEFAULT =
        new Delivery(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /** A generic webhook: a documented JSON body (docs/alerts.md). */
  record Webhook(
      String name,
      URI url,
      Duration timeout,
      Map<String, String> headers,
      boolean sendResolved,
      Delivery delivery)
      implements Receiver {
    public Webhook {
      headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
      return "webhook";
    }

    @Override
    public String toString() {
      return "Webhook[name=" + name + "]";
    }
  }

  /** A Slack incoming webhook: {@code text} plus Block Kit {@code blocks}. */
  record Slack(
      String name,
      URI url,
      Duration timeout,
      Map<String, String> headers,
      boolean sendResolved,
      Delivery delivery)
      implements Receiver {
    public Slack {
      headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
      return "slack";
    }

    @Override
    public String toString() {
      return "Slack[name=" + name + "]";
    }
  }

  /**
   * Alertmanager's API v2 ({@code POST /api/v2/alerts}). Firing alerts are re-sent every {@code
   * resendInterval} with an {@code endsAt} a few intervals ahead, so Alertmanager does not expire
   * them; a resolved alert is sent with {@code endsAt} set to when it resolved.
   *
   * @param url the Alertmanager's base URL; {@code /api/v2/alerts} is appended unless present
   */
  record Alertmanager(
      String name,
      URI url,
      Duration timeout,
      Map<String, String> headers,
      Delivery delivery,
      Duration resendInterval)
      implements Receiver {
    public Alertmanager {
      headers = Map.copyOf(headers);
      String u = url.toString();
      if (!u.endsWith("/api/v2/alerts")) {
        url = URI.create((u.endsWith("/") ? u.substring(0, u.length() - 1) : u) + "/api/v2/alerts");
      }
    }

    @Override
    public String type() {
      return "alertmanager";
    }

    @Override
    public String toString() {
      return "Alertmanager[name=" + name + "]";
    }
  }
}
