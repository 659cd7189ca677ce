package dev.tollgate.sidecar.alerts;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Evaluates every rule on each {@link #evaluate()} (the sidecar calls it at a fixed interval),
 * moves each alert instance through {@link Evaluator}, hands state changes to the {@link
 * NotificationSink}, and persists states and history in the {@link AlertStore}. Time comes from the
 * injected clock; tests call {@link #evaluate()} themselves.
 */
public final class AlertEngine {
  private static final Logger LOG = Logger.getLogger(AlertEngine.class.getName());

  /** How long a resolved instance stays visible to the engine before it is forgotten. */
  static final Duration RESOLVED_RETENTION = Duration.ofHours(1);

  private static final class Instance {
    final Rule rule;
    final Map<String, String> labels;
    final String fingerprint;
    AlertState state = AlertState.INACTIVE;
    Map<String, String> annotations = Map.of();

    Instance(Rule rule, Map<String, String> labels, String fingerprint) {
      this.rule = rule;
      this.labels = labels;
      this.fingerprint = fingerprint;
    }
  }

  private final Clock clock;
  private final List<Rule> rules;
  private final Map<String, Rule> byName = new HashMap<>();
  private final MetricSource source;
  private final NotificationSink sink;
  private final AlertStore store;
  private final Supplier<String> externalUrl;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Set<String> failingRules = new HashSet<>();
  private Instant lastEvaluation;

  public AlertEngine(
      Clock clock,
      List<Rule> rules,
      MetricSource source,
      NotificationSink sink,
      AlertStore store,
      Supplier<String> externalUrl) {
    this.clock = clock;
    this.rules = List.copyOf(rules);
    this.rules.forEach(r -> byName.put(r.name(), r));
    this.source = source;
    this.sink = sink;
    this.store = store;
    this.externalUrl = externalUrl;
    restore();
  }

  private void restore() {
    List<AlertStore.StoredAlert> stored;
    try {
      stored = store.loadStates();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "could not load alert states; starting with none", e);
      return;
    }
    List<String> orphans = new ArrayList<>();
    for (AlertStore.StoredAlert s : stored) {
      Rule rule = byName.get(s.rule());
      if (rule == null) {
        orphans.add(s.fingerprint()); // the rule is gone from the rules file
        continue;
      }
      Instance i = new Instance(rule, Map.copyOf(s.labels()), s.fingerprint());
      i.state = s.state();
      i.annotations = Map.copyOf(s.annotations());
      instances.put(s.fingerprint(), i);
    }
    if (!orphans.isEmpty()) {
      LOG.info("dropping " + orphans.size() + " stored alert(s) whose rule no longer exists");
      try {
        store.saveStates(List.of(), orphans);
      } catch (Exception e) {
        LOG.log(Level.WARNING, "could not drop stale alert states", e);
      }
    }
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Evaluates every rule once, at the clock's current time. */
  public synchronized void evaluate() {
    // Milliseconds: what the store keeps, so a restart restores exactly the same times.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Notification> events = new ArrayList<>();
    List<AlertStore.StoredAlert> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<AlertStore.HistoryEntry> history = new ArrayList<>();
    for (Rule rule : rules) {
      List<MetricSource.Sample> samples;
      try {
        samples = source.sample(rule);
        if (failingRules.remove(rule.name())) {
          LOG.info("rule '" + rule.name() + "' evaluates again");
        }
      } catch (RuntimeException e) {
        if (failingRules.add(rule.name())) {
          LOG.log(Level.WARNING, "rule '" + rule.name() + "' could not be evaluated", e);
        }
        continue; // states stay as they are
      }
      Set<String> seen = new HashSet<>();
      for (MetricSource.Sample s : samples) {
        Map<String, String> labels = labels(rule, s.labels());
        String fp = Rules.fingerprint(labels);
        if (!seen.add(fp)) {
          continue;
        }
        Instance inst = instances.get(fp);
        if (inst == null) {
          inst = new Instance(rule, labels, fp);
        }
        advance(inst, s.value(), now, events, changed, removed, history);
      }
      for (Instance inst : new ArrayList<>(instances.values())) {
        if (inst.rule == rule && !seen.contains(inst.fingerprint)) {
          advance(inst, Double.NaN, now, events, changed, removed, history);
        }
      }
    }
    try {
      if (!changed.isEmpty() || !removed.isEmpty()) {
        store.saveStates(changed, removed);
      }
      if (!history.isEmpty()) {
        store.appendHistory(history);
      }
    } catch (Exception e) {
      LOG.log(Level.WARNING, "could not persist alert states", e);
    }
    sink.dispatch(events);
    sink.resendFiring(firing());
    lastEvaluation = now;
  }

  private void advance(
      Instance inst,
      double value,
      Instant now,
      List<Notification> events,
      List<AlertStore.StoredAlert> changed,
      List<String> removed,
      List<AlertStore.HistoryEntry> history) {
    AlertState before = inst.state;
    Evaluator.Step step = Evaluator.step(inst.rule, before, value, now);
    AlertState next = step.next();
    boolean known = instances.containsKey(inst.fingerprint);
    if (next instanceof AlertState.Inactive
        || next instanceof AlertState.Resolved r
            && step.event() == null
            && now.isAfter(r.resolvedAt().plus(RESOLVED_RETENTION))) {
      if (known) {
        instances.remove(inst.fingerprint);
        removed.add(inst.fingerprint);
      }
      return;
    }
    inst.state = next;
    if (!(next instanceof AlertState.Resolved) || step.event() != null) {
      inst.annotations = annotations(inst.rule, inst.labels, value);
    }
    if (!known) {
      instances.put(inst.fingerprint, inst);
    }
    if (!known || step.event() != null || !sameButValue(before, next)) {
      changed.add(
          new AlertStore.StoredAlert(
              inst.fingerprint, inst.rule.name(), inst.labels, next, inst.annotations));
    }
    if (step.event() != null) {
      AlertView view = view(inst);
      events.add(new Notification(step.event(), view));
      if (step.event() != Evaluator.Event.REPEAT) {
        history.add(
            new AlertStore.HistoryEntry(
                now,
                inst.fingerprint,
                inst.rule.name(),
                inst.rule.severity(),
                step.event().label(),
                value,
                inst.rule.threshold(),
                inst.labels,
                inst.annotations));
      }
    }
  }

  /** Equal apart from the latest value (not worth a write every evaluation). */
  private static boolean sameButValue(AlertState a, AlertState b) {
    if (a instanceof AlertState.Pending p && b instanceof AlertState.Pending q) {
      return p.activeAt().equals(q.activeAt());
    }
    if (a instanceof AlertState.Firing f && b instanceof AlertState.Firing g) {
      return f.activeAt().equals(g.activeAt())
          && f.firingSince().equals(g.firingSince())
          && f.lastNotified().equals(g.lastNotified())
          && Objects.equals(f.clearSince(), g.clearSince());
    }
    if (a instanceof AlertState.Resolved r && b instanceof AlertState.Resolved s) {
      return r.resolvedAt().equals(s.resolvedAt());
    }
    return a.equals(b);
  }

  private static Map<String, String> labels(Rule rule, Map<String, String> group) {
    Map<String, String> l = new TreeMap<>(rule.labels());
    l.putAll(group);
    l.put("severity", rule.severity());
    l.put("alertname", rule.name());
    return Map.copyOf(l);
  }

  private static Map<String, String> annotations(
      Rule rule, Map<String, String> labels, double value) {
    Map<String, String> out = new TreeMap<>();
    rule.annotations().forEach((k, v) -> out.put(k, Rules.render(v, rule, labels, value)));
    if (!out.containsKey("summary")) {
      StringBuilder where = new StringBuilder();
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        if (!e.getKey().equals("alertname")
            && !e.getKey().equals("severity")
            && !rule.labels().containsKey(e.getKey())) {
          where
              .append(where.length() == 0 ? " (" : ", ")
              .append(e.getKey())
              .append('=')
              .append(e.getValue());
        }
      }
      if (where.length() > 0) {
        where.append(')');
      }
      out.put(
          "summary",
          Rules.render(
                  "{{name}}: {{metric}} is {{value}}, threshold {{comparison}} {{threshold}} over"
                      + " {{window}}",
                  rule,
                  labels,
                  value)
              + where);
    }
    return Map.copyOf(out);
  }

  private AlertView view(Instance i) {
    Instant activeAt;
    Instant startsAt = null;
    Instant endsAt = null;
    double value;
    AlertState s = i.state;
    if (s instanceof AlertState.Pending p) {
      activeAt = p.activeAt();
      value = p.value();
    } else if (s instanceof AlertState.Firing f) {
      activeAt = f.activeAt();
      startsAt = f.firingSince();
      value = f.value();
    } else if (s instanceof AlertState.Resolved r) {
      activeAt = r.activeAt();
      startsAt = r.firingSince();
      endsAt = r.resolvedAt();
      value = r.value();
    } else {
      activeAt = null;
      value = Double.NaN;
    }
    return new AlertView(
        i.fingerprint,
        i.rule,
        i.rule.name(),
        s.label(),
        i.labels,
        i.annotations,
        value,
        activeAt,
        startsAt,
        endsAt,
        externalUrl.get().replaceAll("/+$", "")
            + "/api/v1/alerts?name="
            + URLEncoder.encode(i.rule.name(), StandardCharsets.UTF_8),
        i.rule.receivers());
  }

  /** Pending and firing alerts: firing first, then by rule and labels. */
  public synchronized List<AlertView> active() {
    List<AlertView> out = new ArrayList<>();
    for (Instance i : instances.values()) {
      if (i.state instanceof AlertState.Pending || i.state instanceof AlertState.Firing) {
        out.add(view(i));
      }
    }
    out.sort(
        Comparator.comparing((AlertView a) -> a.state().equals("firing") ? 0 : 1)
            .thenComparing(AlertView::rule)
            .thenComparing(a -> new TreeMap<>(a.labels()).toString()));
    return out;
  }

  public synchronized List<AlertView> firing() {
    List<AlertView> out = new ArrayList<>();
    for (Instance i : instances.values()) {
      if (i.state instanceof AlertState.Firing) {
        out.add(view(i));
      }
    }
    return out;
  }

  /** Firing instances per rule name (every rule present, 0 when none). */
  public synchronized Map<String, Integer> firingCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    rules.forEach(r -> out.put(r.name(), 0));
    for (Instance i : instances.values()) {
      if (i.state instanceof AlertState.Firing) {
        out.merge(i.rule.name(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** The newest history entries; {@code rule} null for all. */
  public List<AlertStore.HistoryEntry> history(int limit, String rule) {
    try {
      return store.history(limit, rule);
    } catch (Exception e) {
      throw new IllegalStateException("could not read alert history: " + e.getMessage(), e);
    }
  }

  /** When the rules were last evaluated; null before the first time. */
  public synchronized Instant lastEvaluation() {
    return lastEvaluation;
  }
}
