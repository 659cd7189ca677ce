package dev.tollgate.sidecar.api;

import dev.tollgate.sidecar.alerts.AlertEngine;
import dev.tollgate.sidecar.alerts.AlertStore;
import dev.tollgate.sidecar.alerts.AlertView;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.alerts.Rule;
import dev.tollgate.sidecar.alerts.RuleSet;
import dev.tollgate.sidecar.alerts.Rules;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** GET /api/v1/alerts, /alerts/history and /rules. */
final class AlertHandlers {
  private final AlertEngine engine;
  private final RuleSet ruleSet;
  private final List<Receiver> receivers;
  private final Duration evalInterval;
  private final Json json;

  AlertHandlers(
      AlertEngine engine,
      RuleSet ruleSet,
      List<Receiver> receivers,
      Duration evalInterval,
      Json json) {
    this.engine = engine;
    this.ruleSet = ruleSet;
    this.receivers = receivers;
    this.evalInterval = evalInterval;
    this.json = json;
  }

  void alerts(Context ctx) {
    String state = ctx.queryParam("state");
    if (state != null && !state.equals("firing") && !state.equals("pending")) {
      throw new BadRequest("state must be firing or pending");
    }
    String name = ctx.queryParam("name");
    List<Map<String, Object>> out = new ArrayList<>();
    for (AlertView a : engine.active()) {
      if (state != null && !a.state().equals(state) || name != null && !a.rule().equals(name)) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      Rule r = a.ruleDef();
      m.put("name", a.rule());
      m.put("state", a.state());
      m.put("severity", r.severity());
      m.put("metric", r.metric().label());
      m.put("comparison", r.comparison().symbol());
      m.put("threshold", Json.value(r.threshold()));
      m.put("value", Json.value(a.value()));
      m.put("window", Rules.format(r.window()));
      m.put("since", time(a.startsAt() != null ? a.startsAt() : a.activeAt()));
      m.put("active_at", time(a.activeAt()));
      m.put("firing_since", time(a.startsAt()));
      m.put("labels", new TreeMap<>(a.labels()));
      m.put("annotations", new TreeMap<>(a.annotations()));
      m.put("fingerprint", a.fingerprint());
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("evaluated_at", time(engine.lastEvaluation()));
    body.put("eval_interval", Rules.format(evalInterval));
    body.put("alerts", out);
    json.send(ctx, 200, body);
  }

  void history(Context ctx) {
    int limit = 100;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 10_000) {
        throw new BadRequest("limit must be a whole number from 1 to 10000");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (AlertStore.HistoryEntry h : engine.history(limit, ctx.queryParam("name"))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", time(h.time()));
      m.put("name", h.rule());
      m.put("event", h.event());
      m.put("severity", h.severity());
      m.put("value", Json.value(h.value()));
      m.put("threshold", Json.value(h.threshold()));
      m.put("labels", new TreeMap<>(h.labels()));
      m.put("annotations", new TreeMap<>(h.annotations()));
      m.put("fingerprint", h.fingerprint());
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", out);
    json.send(ctx, 200, body);
  }

  void rules(Context ctx) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Rule r : engine.rules()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("metric", r.metric().label());
      m.put("unit", r.metric().unit());
      Map<String, Object> scope = new LinkedHashMap<>();
      scope.put("filters", new TreeMap<>(r.filters()));
      scope.put("group_by", r.groupBy());
      m.put("scope", scope);
      m.put("window", Rules.format(r.window()));
      m.put("comparison", r.comparison().symbol());
      m.put("threshold", Json.value(r.threshold()));
      m.put("for", Rules.format(r.forDuration()));
      m.put("keep_firing_for", Rules.format(r.keepFiringFor()));
      m.put("resolve_margin", r.resolveMargin().toString());
      m.put("repeat_interval", Rules.format(r.repeatInterval()));
      m.put("severity", r.severity());
      m.put("min_calls", r.minCalls());
      m.put("labels", new TreeMap<>(r.labels()));
      m.put("annotations", new TreeMap<>(r.annotations()));
      m.put("receivers", r.receivers());
      m.put("line", r.line());
      rules.add(m);
    }
    List<Map<String, Object>> errors = new ArrayList<>();
    for (RuleSet.LoadError e : ruleSet.errors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("line", e.line());
      m.put("column", e.column());
      m.put("rule", e.rule());
      m.put("message", e.message());
      errors.add(m);
    }
    List<Map<String, Object>> recv = new ArrayList<>();
    for (Receiver r : receivers) {
      // Never the URL or headers: a Slack webhook URL is a credential.
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("type", r.type());
      recv.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source", ruleSet.source());
    body.put("eval_interval", Rules.format(evalInterval));
    body.put("rules", rules);
    body.put("errors", errors);
    body.put("receivers", recv);
    json.send(ctx, 200, body);
  }

  private static String time(Instant i) {
    return i == null ? null : i.toString();
  }
}
