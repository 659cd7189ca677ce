package dev.tollgate.sidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sidecar.costs.Budget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleParserTest {
  private final RuleParser parser = new RuleParser(Set.of("ops", "slack"));

  private static List<String> names(RuleSet s) {
    return s.rules().stream().map(Rule::name).toList();
  }

  @Test
  void theDefaultRulesLoadWithoutErrors() throws Exception {
    RuleSet s = RuleFiles.load(null, Set.of());
    assertThat(s.source()).isEqualTo("default");
    assertThat(s.errors()).isEmpty();
    assertThat(names(s))
        .containsExactly(
            "HighP95Latency",
            "HighErrorRate",
            "LimiterQueueDepthHigh",
            "CircuitBreakerOpen",
            "RateLimited429",
            "SlowTimeToFirstChunk",
            "UnpricedCalls",
            "HighCostPerHour",
            "BudgetAt80Percent",
            "BudgetAt100Percent");
    Rule p95 = s.rules().get(0);
    assertThat(p95.metric()).isEqualTo(AlertMetric.P95_LATENCY_MS);
    assertThat(p95.threshold()).isEqualTo(3000);
    assertThat(p95.comparison()).isEqualTo(Comparison.GT);
    assertThat(p95.forDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(p95.groupBy()).containsExactly("service", "endpoint");
    assertThat(p95.line()).isEqualTo(13);
    assertThat(s.rules().get(1).threshold()).isEqualTo(0.01); // "1%"
    assertThat(s.rules().get(2).threshold()).isEqualTo(10_000);
  }

  @Test
  void everyFieldIsRead() {
    String yaml =
        """
        rules:
          - name: SlowOpenAi
            metric: p99_latency_ms
            scope:
              filters: {provider: openai, service: checkout}
              group_by: [endpoint]
            window: 10m
            comparison: ">="
            threshold: 2.5s
            for: 30s
            keep_firing_for: 1m
            resolve_margin: 250
            repeat_interval: 0s
            severity: critical
            labels: {team: payments}
            annotations:
              summary: "p99 {{value}} ms on {{labels.endpoint}} (threshold {{threshold}})"
            min_calls: 5
            receivers: [ops]
        """;
    RuleSet s = parser.parse(yaml, "t.yaml");
    assertThat(s.errors()).isEmpty();
    Rule r = s.rules().get(0);
    assertThat(r.filters()).isEqualTo(Map.of("provider", "openai", "service", "checkout"));
    assertThat(r.window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.comparison()).isEqualTo(Comparison.GE);
    assertThat(r.threshold()).isEqualTo(2500);
    assertThat(r.forDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.keepFiringFor()).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.resolveMargin()).isEqualTo(new Rule.Margin(250, false));
    assertThat(r.repeatInterval()).isZero();
    assertThat(r.labels()).containsEntry("team", "payments");
    assertThat(r.minCalls()).isEqualTo(5);
    assertThat(r.receivers()).containsExactly("ops");
    assertThat(Rules.render(r.annotations().get("summary"), r, Map.of("endpoint", "main"), 3100.25))
        .isEqualTo("p99 3100.25 ms on main (threshold 2500)");
  }

  @Test
  void aBrokenRuleIsReportedWithItsLineAndTheOthersLoad() {
    String yaml =
        """
        rules:
          - name: Good1
            metric: error_rate
            threshold: 0.01
          - name: BadMetric
            metric: p95_latency
            threshold: 3000
          - name: BadWindow
            metric: calls
            threshold: 1
            window: fortnight
          - name: Good2
            metric: queue_depth
            scope: {group_by: [endpoint]}
            threshold: 10000
          - name: BadScope
            metric: queue_depth
            scope: {group_by: [model]}
            threshold: 1
          - name: Typo
            metric: calls
            treshold: 5
          - name: NoSuchReceiver
            metric: calls
            threshold: 5
            receivers: [pager]
          - name: Good1
            metric: calls
            threshold: 2
        """;
    RuleSet s = parser.parse(yaml, "t.yaml");
    assertThat(names(s)).containsExactly("Good1", "Good2");
    assertThat(s.errors())
        .extracting(RuleSet.LoadError::line, RuleSet.LoadError::rule)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(6, "BadMetric"),
            org.assertj.core.groups.Tuple.tuple(11, "BadWindow"),
            org.assertj.core.groups.Tuple.tuple(18, "BadScope"),
            org.assertj.core.groups.Tuple.tuple(22, "Typo"),
            org.assertj.core.groups.Tuple.tuple(26, "NoSuchReceiver"),
            org.assertj.core.groups.Tuple.tuple(27, "Good1"));
    assertThat(s.errors().get(0).message()).contains("unknown metric 'p95_latency'");
    assertThat(s.errors().get(2).message()).contains("cannot be grouped by 'model'");
    assertThat(s.errors().get(3).message()).contains("unknown key 'treshold'");
    assertThat(s.errors().get(4).message()).contains("unknown receiver 'pager'");
    assertThat(s.errors().get(5).message()).contains("duplicate");
  }

  @Test
  void aYamlSyntaxErrorInOneRuleLeavesTheOthersLoadable() {
    String yaml =
        """
        # rules with a syntax error in the middle
        rules:
          - name: First
            metric: calls
            threshold: 1

          - name: Broken
            metric: calls
            threshold: [1, 2
            for: 1m
          - name: Last
            metric: error_rate
            threshold: "1%"
        """;
    RuleSet s = parser.parse(yaml, "t.yaml");
    assertThat(names(s)).containsExactly("First", "Last");
    assertThat(s.errors()).hasSize(1);
    RuleSet.LoadError e = s.errors().get(0);
    assertThat(e.rule()).isEqualTo("Broken");
    assertThat(e.line()).isBetween(7, 11);
    assertThat(e.message()).startsWith("YAML syntax error");
    assertThat(s.rules().get(1).line()).isEqualTo(11);
  }

  @Test
  void anUnquotedComparisonIsExplained() {
    RuleSet s =
        parser.parse(
            """
            rules:
              - name: X
                metric: calls
                comparison: >
                threshold: 1
            """,
            "t.yaml");
    assertThat(s.rules()).isEmpty();
    assertThat(s.errors().get(0).message()).contains("quote it");
  }

  @Test
  void emptyAndTopLevelListFilesWork() {
    assertThat(parser.parse("", "t").rules()).isEmpty();
    assertThat(parser.parse("rules: []", "t").errors()).isEmpty();
    RuleSet list = parser.parse("- {name: A, metric: calls, threshold: 1}\n", "t");
    assertThat(names(list)).containsExactly("A");
    RuleSet unknown = parser.parse("rulez: []\n", "t");
    assertThat(unknown.errors().get(0).message()).contains("unknown top-level key 'rulez'");
  }

  @Test
  void budgetsGetRulesForPercentagesTheFileDoesNotCover() throws Exception {
    List<Rule> loaded = RuleFiles.load(null, Set.of()).rules();
    Budget b = new Budget("team", Budget.Period.MONTHLY, 100, Map.of(), List.of(50.0, 80.0, 100.0));
    Budget c = new Budget("other", Budget.Period.DAILY, 10, Map.of(), List.of(50.0));
    List<Rule> extra = RuleFiles.budgetRules(List.of(b, c), loaded);
    assertThat(extra).hasSize(1); // 80 and 100 are in the default file
    Rule r = extra.get(0);
    assertThat(r.name()).isEqualTo("BudgetAt50Percent");
    assertThat(r.threshold()).isEqualTo(0.5);
    assertThat(r.filters()).containsEntry("budget", "team,other");
    assertThat(r.severity()).isEqualTo("warning");
  }
}
