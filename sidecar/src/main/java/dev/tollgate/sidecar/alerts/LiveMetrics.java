package dev.tollgate.sidecar.alerts;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.ControllerState;
import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.aggregate.Filter;
import dev.tollgate.sidecar.aggregate.Stats;
import dev.tollgate.sidecar.costs.Budgets;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.CostTotals;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sidecar's {@link MetricSource}: call metrics from the {@link Aggregator} (over the rule's
 * window), controller gauges from {@link ControllerState} (latest reports), costs from the {@link
 * CostLedger}, budgets from {@link Budgets}. A rule without group-by always yields one sample (0
 * for counts and costs, NaN for percentiles without data); a grouped rule yields one per group with
 * data.
 */
public final class LiveMetrics implements MetricSource {
  private final Aggregator aggregator;
  private final ControllerState controller;
  private final CostLedger ledger;
  private final Budgets budgets;

  public LiveMetrics(
      Aggregator aggregator, ControllerState controller, CostLedger ledger, Budgets budgets) {
    this.aggregator = aggregator;
    this.controller = controller;
    this.ledger = ledger;
    this.budgets = budgets;
  }

  @Override
  public List<Sample> sample(Rule rule) {
    return switch (rule.metric().kind()) {
      case CALL -> calls(rule);
      case CONTROLLER -> controllerGauges(rule);
      case COST -> costs(rule);
      case BUDGET -> budgetRatios(rule);
    };
  }

  private static List<Dimension> dimensions(List<String> labels) {
    List<Dimension> out = new ArrayList<>(labels.size());
    for (String l : labels) {
      Dimension d = Dimension.parse(l);
      if (d == null) {
        throw new IllegalArgumentException("not a dimension: " + l);
      }
      out.add(d);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private List<Sample> calls(Rule rule) {
    Filter f = Filter.ALL;
    for (Map.Entry<String, String> e : rule.filters().entrySet()) {
      f = f.andExactly(Dimension.parse(e.getKey()), e.getValue());
    }
    List<Sample> out = new ArrayList<>();
    List<Dimension> by = dimensions(rule.groupBy());
    if (by.isEmpty()) {
      out.add(callSample(rule, Map.of(), aggregator.query(f, rule.window())));
    } else {
      collect(rule, f, by, 0, new LinkedHashMap<>(), out);
    }
    return out;
  }

  private void collect(
      Rule rule,
      Filter f,
      List<Dimension> by,
      int i,
      Map<String, String> labels,
      List<Sample> out) {
    Dimension d = by.get(i);
    for (Map.Entry<String, Stats> e : aggregator.breakdown(f, d, rule.window()).entrySet()) {
      Map<String, String> l = new LinkedHashMap<>(labels);
      l.put(d.label(), e.getKey());
      if (i == by.size() - 1) {
        out.add(callSample(rule, l, e.getValue()));
      } else {
        collect(rule, f.andExactly(d, e.getKey()), by, i + 1, l, out);
      }
    }
  }

  private static Sample callSample(Rule rule, Map<String, String> labels, Stats s) {
    double v = s.calls() < rule.minCalls() ? Double.NaN : rule.metric().of(s);
    return new Sample(Map.copyOf(labels), v);
  }

  // ---------------------------------------------------------------------------------------------

  private List<Sample> controllerGauges(Rule rule) {
    String service = rule.filters().get("service");
    String endpoint = rule.filters().get("endpoint");
    boolean byService = rule.groupBy().contains("service");
    boolean byEndpoint = rule.groupBy().contains("endpoint");
    ControllerState.Kind kind =
        switch (rule.metric()) {
          case QUEUE_DEPTH -> ControllerState.Kind.QUEUE_DEPTH;
          case IN_FLIGHT -> ControllerState.Kind.IN_FLIGHT;
          default -> ControllerState.Kind.BREAKER_STATE;
        };
    boolean breaker = kind == ControllerState.Kind.BREAKER_STATE;
    Map<Map<String, String>, Double> groups = new LinkedHashMap<>();
    for (Map.Entry<ControllerState.GaugeKey, Double> e : controller.gauges().entrySet()) {
      ControllerState.GaugeKey k = e.getKey();
      if (k.kind() != kind
          || service != null && !service.equals(k.service())
          || endpoint != null && !endpoint.equals(k.endpoint())) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (byService) {
        labels.put("service", k.service());
      }
      if (byEndpoint) {
        labels.put("endpoint", k.endpoint());
      }
      double v = breaker ? (e.getValue() == 1.0 ? 1 : 0) : e.getValue();
      groups.merge(Map.copyOf(labels), v, breaker ? Math::max : Double::sum);
    }
    List<Sample> out = new ArrayList<>();
    if (rule.groupBy().isEmpty() && groups.isEmpty()) {
      out.add(new Sample(Map.of(), 0));
    }
    groups.forEach((l, v) -> out.add(new Sample(l, v)));
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private List<Sample> costs(Rule rule) {
    Map<Dimension, String> filter = new EnumMap<>(Dimension.class);
    rule.filters().forEach((k, v) -> filter.put(Dimension.parse(k), v));
    CostLedger.Span span = ledger.window(rule.window());
    List<Dimension> by = dimensions(rule.groupBy());
    double hours = rule.window().toMillis() / 3_600_000.0;
    List<Sample> out = new ArrayList<>();
    Map<List<String>, CostTotals> groups =
        by.isEmpty()
            ? Map.of(List.of(), ledger.total(filter, span))
            : ledger.groups(filter, by, span);
    for (Map.Entry<List<String>, CostTotals> e : groups.entrySet()) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < by.size(); i++) {
        labels.put(by.get(i).label(), e.getKey().get(i));
      }
      CostTotals t = e.getValue();
      double v;
      if (t.calls() < rule.minCalls()) {
        v = Double.NaN;
      } else {
        v =
            switch (rule.metric()) {
              case COST_USD -> t.cost();
              case COST_PER_HOUR_USD -> t.cost() / hours;
              default -> t.unpriced();
            };
      }
      out.add(new Sample(Map.copyOf(labels), v));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private List<Sample> budgetRatios(Rule rule) {
    String only = rule.filters().get("budget");
    Set<String> names = only == null ? null : Set.of(only.split(","));
    List<Sample> out = new ArrayList<>();
    for (Budgets.Status s : budgets.status()) {
      if (names != null && !names.contains(s.budget().name())) {
        continue;
      }
      double v = rule.metric() == AlertMetric.BUDGET_USED_RATIO ? s.usedRatio() : s.spentUsd();
      out.add(
          new Sample(
              Map.of("budget", s.budget().name(), "period", s.budget().period().label()), v));
    }
    return out;
  }
}
