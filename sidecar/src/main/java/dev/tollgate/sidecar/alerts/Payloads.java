package dev.tollgate.sidecar.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON bodies sent to receivers. Pure; documented in docs/alerts.md. */
public final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Slack allows 50 blocks per message; one per alert plus a header. */
  static final int SLACK_MAX_ALERTS = 20;

  private Payloads() {}

  /** "firing" when any notification is a firing or repeat, else "resolved". */
  static String status(List<Notification> ns) {
    for (Notification n : ns) {
      if (n.event() != Evaluator.Event.RESOLVED) {
        return "firing";
      }
    }
    return "resolved";
  }

  /**
   * The generic webhook body:
   *
   * <pre>
   * {"version": "1", "source": "tollgate-sidecar", "receiver": "...", "status": "firing|resolved",
   *  "alerts": [{"event": "firing|repeat|resolved", "status": "firing|resolved", "name": ...,
   *    "severity": ..., "metric": ..., "comparison": ">", "threshold": 3000, "value": 4210.5,
   *    "window": "5m", "labels": {...}, "annotations": {...}, "activeAt": ..., "startsAt": ...,
   *    "endsAt": null, "fingerprint": ..., "generatorURL": ...}]}
   * </pre>
   */
  public static byte[] webhook(String receiver, List<Notification> ns) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "1");
    body.put("source", "tollgate-sidecar");
    body.put("receiver", receiver);
    body.put("status", status(ns));
    List<Object> alerts = new ArrayList<>();
    for (Notification n : ns) {
      AlertView a = n.alert();
      Rule r = a.ruleDef();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event", n.event().label());
      m.put("status", n.event() == Evaluator.Event.RESOLVED ? "resolved" : "firing");
      m.put("name", a.rule());
      m.put("severity", r.severity());
      m.put("metric", r.metric().label());
      m.put("comparison", r.comparison().symbol());
      m.put("threshold", number(r.threshold()));
      m.put("value", number(a.value()));
      m.put("window", Rules.format(r.window()));
      m.put("labels", new TreeMap<>(a.labels()));
      m.put("annotations", new TreeMap<>(a.annotations()));
      m.put("activeAt", time(a.activeAt()));
      m.put("startsAt", time(a.startsAt()));
      m.put("endsAt", time(a.endsAt()));
      m.put("fingerprint", a.fingerprint());
      m.put("generatorURL", a.generatorUrl());
      alerts.add(m);
    }
    body.put("alerts", alerts);
    return bytes(body);
  }

  /** A Slack incoming-webhook message: a fallback {@code text} and one block per alert. */
  public static byte[] slack(List<Notification> ns) {
    String status = status(ns);
    Map<String, Object> body = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    text.append('[')
        .append(status.toUpperCase(java.util.Locale.ROOT))
        .append(':')
        .append(ns.size())
        .append("] ");
    text.append(ns.get(0).alert().rule());
    if (ns.size() > 1) {
      text.append(" and ").append(ns.size() - 1).append(" more");
    }
    body.put("text", text.toString());
    List<Object> blocks = new ArrayList<>();
    int shown = 0;
    for (Notification n : ns) {
      if (shown == SLACK_MAX_ALERTS) {
        blocks.add(
            Map.of(
                "type",
                "context",
                "elements",
                List.of(Map.of("type", "mrkdwn", "text", "and " + (ns.size() - shown) + " more"))));
        break;
      }
      shown++;
      AlertView a = n.alert();
      Rule r = a.ruleDef();
      String head =
          switch (n.event()) {
            case FIRING -> "FIRING";
            case REPEAT -> "STILL FIRING";
            case RESOLVED -> "RESOLVED";
          };
      StringBuilder sb = new StringBuilder();
      sb.append('*')
          .append(head)
          .append(": ")
          .append(escape(a.rule()))
          .append("* (")
          .append(escape(r.severity()))
          .append(")\n");
      String summary = a.annotations().get("summary");
      if (summary != null && !summary.isBlank()) {
        sb.append(escape(summary)).append('\n');
      }
      String description = a.annotations().get("description");
      if (description != null && !description.isBlank()) {
        sb.append(escape(description)).append('\n');
      }
      sb.append(escape(r.metric().label()))
          .append(' ')
          .append(Rules.format(a.value()))
          .append(" (threshold ")
          .append(escape(r.comparison().symbol()))
          .append(' ')
          .append(Rules.format(r.threshold()))
          .append(", window ")
          .append(Rules.format(r.window()))
          .append(')');
      StringBuilder labels = new StringBuilder();
      for (Map.Entry<String, String> e : new TreeMap<>(a.labels()).entrySet()) {
        if (e.getKey().equals("alertname") || e.getKey().equals("severity")) {
          continue;
        }
        labels
            .append(labels.length() == 0 ? "" : " ")
            .append(e.getKey())
            .append('=')
            .append(e.getValue());
      }
      if (labels.length() > 0) {
        sb.append("\n`").append(escape(labels.toString())).append('`');
      }
      Map<String, Object> section = new LinkedHashMap<>();
      section.put("type", "section");
      section.put("text", Map.of("type", "mrkdwn", "text", sb.toString()));
      blocks.add(section);
    }
    body.put("blocks", blocks);
    return bytes(body);
  }

  /**
   * Alertmanager API v2: an array of alerts. A firing alert's {@code endsAt} is {@code now +
   * validFor} (it is re-sent before then); a resolved one's is when it resolved.
   */
  public static byte[] alertmanager(List<AlertView> alerts, Instant now, Duration validFor) {
    List<Object> out = new ArrayList<>();
    for (AlertView a : alerts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("labels", new TreeMap<>(a.labels()));
      Map<String, String> annotations = new TreeMap<>(a.annotations());
      annotations.put("value", Rules.format(a.value()));
      annotations.put(
          "threshold", a.ruleDef().comparison().symbol() + " " + Rules.format(a.threshold()));
      m.put("annotations", annotations);
      m.put("startsAt", time(a.startsAt() != null ? a.startsAt() : a.activeAt()));
      m.put("endsAt", time(a.endsAt() != null ? a.endsAt() : now.plus(validFor)));
      m.put("generatorURL", a.generatorUrl());
      out.add(m);
    }
    return bytes(out);
  }

  private static Object number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return (long) v;
    }
    return Math.round(v * 1e6) / 1e6;
  }

  private static String time(Instant i) {
    return i == null ? null : i.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static byte[] bytes(Object o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
