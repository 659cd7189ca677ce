package dev.tollgate.sidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sidecar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The state machine and the engine on a fake clock: no sleeping, no sockets. */
class AlertEngineTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration TICK = Duration.ofSeconds(15);

  private final MutableClock clock = new MutableClock(T0);

  /** Values per group (labels), per rule; a missing group has no data. */
  private final Map<String, Map<Map<String, String>, Double>> values = new HashMap<>();

  private final List<Notification> sent = new ArrayList<>();
  private final List<List<AlertView>> resent = new ArrayList<>();
  private final AlertStore store = AlertStore.inMemory();

  private final NotificationSink sink =
      new NotificationSink() {
        @Override
        public void dispatch(List<Notification> notifications) {
          sent.addAll(notifications);
        }

        @Override
        public void resendFiring(List<AlertView> firing) {
          resent.add(firing);
        }
      };

  private final MetricSource source =
      rule -> {
        List<MetricSource.Sample> out = new ArrayList<>();
        values
            .getOrDefault(rule.name(), Map.of())
            .forEach((labels, v) -> out.add(new MetricSource.Sample(labels, v)));
        return out;
      };

  private static Rule rule(String yaml) {
    RuleSet s = new RuleParser(Set.of()).parse("rules:\n" + yaml, "t");
    assertThat(s.errors()).isEmpty();
    return s.rules().get(0);
  }

  private static final Rule P95 =
      rule(
          """
            - name: HighP95Latency
              metric: p95_latency_ms
              threshold: 3000
              for: 1m
              repeat_interval: 10m
              annotations: {summary: "p95 {{value}} ms"}
          """);

  private AlertEngine engine(Rule... rules) {
    return new AlertEngine(
        clock, List.of(rules), source, sink, store, () -> "http://127.0.0.1:4318");
  }

  private void set(String rule, double v) {
    values.computeIfAbsent(rule, k -> new LinkedHashMap<>()).put(Map.of(), v);
  }

  private void tick(AlertEngine e) {
    clock.advance(TICK);
    e.evaluate();
  }

  private List<String> events() {
    return sent.stream().map(n -> n.event().label() + ":" + n.alert().rule()).toList();
  }

  @Test
  void inactivePendingFiringResolved() {
    AlertEngine e = engine(P95);
    set("HighP95Latency", 1000);
    e.evaluate();
    assertThat(e.active()).isEmpty();

    set("HighP95Latency", 4000);
    tick(e); // 10:00:15 pending
    assertThat(e.active()).singleElement().extracting(AlertView::state).isEqualTo("pending");
    assertThat(sent).isEmpty();
    for (int i = 0; i < 3; i++) {
      tick(e); // 10:00:30, :45, 10:01:00 -> 45 s pending, not yet 1 m
    }
    assertThat(e.active().get(0).state()).isEqualTo("pending");
    tick(e); // 10:01:15: pending for 60 s -> firing
    AlertView firing = e.active().get(0);
    assertThat(firing.state()).isEqualTo("firing");
    assertThat(firing.activeAt()).isEqualTo(T0.plusSeconds(15));
    assertThat(firing.startsAt()).isEqualTo(T0.plusSeconds(75));
    assertThat(firing.annotations()).containsEntry("summary", "p95 4000 ms");
    assertThat(firing.labels())
        .containsEntry("alertname", "HighP95Latency")
        .containsEntry("severity", "warning");
    assertThat(firing.generatorUrl())
        .isEqualTo("http://127.0.0.1:4318/api/v1/alerts?name=HighP95Latency");
    assertThat(events()).containsExactly("firing:HighP95Latency");
    assertThat(e.firingCounts()).containsEntry("HighP95Latency", 1);

    set("HighP95Latency", 2000); // below 3000 - 10 % = 2700
    tick(e);
    assertThat(e.active()).isEmpty();
    assertThat(events()).containsExactly("firing:HighP95Latency", "resolved:HighP95Latency");
    assertThat(sent.get(1).alert().endsAt()).isEqualTo(clock.instant());
    assertThat(e.history(10, null))
        .extracting(AlertStore.HistoryEntry::event)
        .containsExactly("resolved", "firing");
  }

  @Test
  void pendingThatStopsBreachingNeverNotifies() {
    AlertEngine e = engine(P95);
    set("HighP95Latency", 4000);
    tick(e);
    tick(e);
    set("HighP95Latency", 2900);
    tick(e);
    assertThat(e.active()).isEmpty();
    assertThat(sent).isEmpty();
    assertThat(e.history(10, null)).isEmpty();
  }

  @Test
  void hysteresisSuppressesFlapping() {
    Rule noFor =
        rule(
            """
              - name: Flappy
                metric: p95_latency_ms
                threshold: 3000
            """);
    AlertEngine e = engine(noFor);
    // Hovering around the threshold: 3100, 2900, 3050, 2800, 3200, 2750 ...
    double[] hover = {3100, 2900, 3050, 2800, 3200, 2750, 3001, 2701};
    for (double v : hover) {
      set("Flappy", v);
      tick(e);
      assertThat(e.active()).singleElement().extracting(AlertView::state).isEqualTo("firing");
    }
    assertThat(events()).containsExactly("firing:Flappy"); // once, not eight times
    set("Flappy", 2699); // past the margin (10 % of 3000)
    tick(e);
    assertThat(events()).containsExactly("firing:Flappy", "resolved:Flappy");

    // Without hysteresis the same values would have flapped.
    Rule bare =
        rule(
            """
              - name: Bare
                metric: p95_latency_ms
                threshold: 3000
                resolve_margin: 0
            """);
    AlertEngine b = engine(bare);
    sent.clear();
    for (double v : hover) {
      set("Bare", v);
      tick(b);
    }
    assertThat(events()).hasSize(8);
  }

  @Test
  void keepFiringForBridgesShortClears() {
    Rule breaker =
        rule(
            """
              - name: BreakerOpen
                metric: breaker_open
                threshold: 0
                keep_firing_for: 1m
            """);
    AlertEngine e = engine(breaker);
    set("BreakerOpen", 1);
    tick(e);
    set("BreakerOpen", 0); // half-open
    tick(e);
    tick(e);
    set("BreakerOpen", 1); // open again within a minute
    tick(e);
    set("BreakerOpen", 0);
    for (int i = 0; i < 4; i++) {
      tick(e); // clear since the first of these: 0, 15, 30, 45 s
    }
    assertThat(events()).containsExactly("firing:BreakerOpen");
    tick(e); // clear for 60 s
    assertThat(events()).containsExactly("firing:BreakerOpen", "resolved:BreakerOpen");
  }

  @Test
  void firingRepeatsAtTheRepeatInterval() {
    AlertEngine e = engine(P95);
    set("HighP95Latency", 5000);
    for (int i = 0; i < 5; i++) {
      tick(e); // fires at the 5th tick (60 s after the first)
    }
    assertThat(events()).containsExactly("firing:HighP95Latency");
    for (int i = 0; i < 40; i++) {
      tick(e); // 10 minutes
    }
    assertThat(events()).containsExactly("firing:HighP95Latency", "repeat:HighP95Latency");
    for (int i = 0; i < 40; i++) {
      tick(e);
    }
    assertThat(events()).hasSize(3);
    // Repeats are not history; firing and resolved are.
    assertThat(e.history(10, null)).hasSize(1);
    // Receivers that need reminding get every firing alert after each evaluation.
    assertThat(resent.get(resent.size() - 1)).hasSize(1);
  }

  @Test
  void groupsFireAndResolveIndependently() {
    Rule grouped =
        rule(
            """
              - name: QueueDeep
                metric: queue_depth
                scope: {group_by: [endpoint]}
                threshold: 10000
            """);
    AlertEngine e = engine(grouped);
    Map<Map<String, String>, Double> v = new LinkedHashMap<>();
    v.put(Map.of("endpoint", "a"), 20000.0);
    v.put(Map.of("endpoint", "b"), 5.0);
    values.put("QueueDeep", v);
    tick(e);
    assertThat(e.active())
        .singleElement()
        .satisfies(a -> assertThat(a.labels()).containsEntry("endpoint", "a"));
    v.put(Map.of("endpoint", "b"), 12000.0);
    tick(e);
    assertThat(e.active()).hasSize(2);
    v.remove(Map.of("endpoint", "a")); // the group disappears: no data resolves it
    tick(e);
    assertThat(e.active())
        .singleElement()
        .satisfies(a -> assertThat(a.labels()).containsEntry("endpoint", "b"));
    assertThat(events())
        .containsExactly("firing:QueueDeep", "firing:QueueDeep", "resolved:QueueDeep");
    assertThat(e.firingCounts()).containsEntry("QueueDeep", 1);
  }

  @Test
  void statesSurviveARestartWithoutANewNotification() {
    AlertEngine first = engine(P95);
    set("HighP95Latency", 5000);
    for (int i = 0; i < 5; i++) {
      tick(first);
    }
    assertThat(events()).containsExactly("firing:HighP95Latency");
    Instant firedAt = first.active().get(0).startsAt();

    AlertEngine second = engine(P95); // same store
    assertThat(second.active()).singleElement().extracting(AlertView::startsAt).isEqualTo(firedAt);
    tick(second);
    assertThat(events()).containsExactly("firing:HighP95Latency"); // still one
    set("HighP95Latency", 100);
    tick(second);
    assertThat(events()).containsExactly("firing:HighP95Latency", "resolved:HighP95Latency");
    assertThat(second.history(10, "HighP95Latency")).hasSize(2);
  }

  @Test
  void aRuleThatThrowsKeepsItsStateAndTheOthersRun() {
    Rule other =
        rule(
            """
              - name: Other
                metric: calls
                threshold: 0
            """);
    boolean[] fail = {false};
    MetricSource flaky =
        r -> {
          if (fail[0] && r.name().equals("HighP95Latency")) {
            throw new IllegalStateException("boom");
          }
          return source.sample(r);
        };
    AlertEngine e = new AlertEngine(clock, List.of(P95, other), flaky, sink, store, () -> "");
    set("HighP95Latency", 5000);
    set("Other", 1);
    for (int i = 0; i < 5; i++) {
      tick(e);
    }
    fail[0] = true;
    tick(e);
    assertThat(e.active())
        .extracting(AlertView::rule)
        .containsExactlyInAnyOrder("HighP95Latency", "Other");
  }

  @Test
  void evaluatorStepIsPure() {
    Evaluator.Step s = Evaluator.step(P95, AlertState.INACTIVE, 4000, T0);
    assertThat(s.next()).isEqualTo(new AlertState.Pending(T0, 4000));
    assertThat(s.event()).isNull();
    Evaluator.Step f = Evaluator.step(P95, s.next(), 4000, T0.plus(Duration.ofMinutes(1)));
    assertThat(f.event()).isEqualTo(Evaluator.Event.FIRING);
    assertThat(Evaluator.step(P95, f.next(), Double.NaN, T0.plus(Duration.ofMinutes(2))).event())
        .isEqualTo(Evaluator.Event.RESOLVED);
  }
}
