package dev.tollgate.sidecar.alerts;

import dev.tollgate.sidecar.costs.Budget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Loads the rules file (or the bundled default rules) and adds the budgets' own alert levels. */
public final class RuleFiles {
  /** The default rules, copied into the jar from {@code alerts/sidecar-default-rules.yaml}. */
  public static final String DEFAULT_RESOURCE = "/alerts/sidecar-default-rules.yaml";

  private RuleFiles() {}

  /**
   * Parses {@code file}, or the bundled defaults when null.
   *
   * @throws IOException when the file cannot be read (a broken rule is not an exception: it is in
   *     {@link RuleSet#errors()})
   */
  public static RuleSet load(Path file, Set<String> receivers) throws IOException {
    RuleParser parser = new RuleParser(receivers);
    if (file != null) {
      return parser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }
    try (InputStream in = RuleFiles.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IOException("default rules " + DEFAULT_RESOURCE + " missing from the jar");
      }
      return parser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default");
    }
  }

  /**
   * Rules for budgets' {@code alert_at} percentages that no loaded rule already covers. A loaded
   * rule covers a percentage when it watches {@code budget_used_ratio} for every budget (no filter)
   * at exactly that ratio with {@code >=} or {@code >}. One rule per remaining percentage, named
   * {@code BudgetAt<N>Percent}, restricted to the budgets that asked for it.
   */
  public static List<Rule> budgetRules(List<Budget> budgets, List<Rule> loaded) {
    Map<Double, List<String>> wanted = new TreeMap<>();
    for (Budget b : budgets) {
      for (double pct : b.alertAt()) {
        if (!covered(pct, loaded)) {
          wanted.computeIfAbsent(pct, x -> new ArrayList<>()).add(b.name());
        }
      }
    }
    Set<String> names = new HashSet<>();
    loaded.forEach(r -> names.add(r.name()));
    List<Rule> out = new ArrayList<>();
    for (Map.Entry<Double, List<String>> e : wanted.entrySet()) {
      double pct = e.getKey();
      String name = "BudgetAt" + Rules.format(pct).replace('.', '_') + "Percent";
      while (!names.add(name)) {
        name = name + "_";
      }
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(
          "summary",
          "Budget {{labels.budget}} ({{labels.period}}) has used {{value_percent}} of its limit"
              + " (alert at "
              + Rules.format(pct)
              + "%)");
      out.add(
          new Rule(
              name,
              AlertMetric.BUDGET_USED_RATIO,
              Map.of("budget", String.join(",", e.getValue())),
              List.of("budget"),
              RuleParser.DEFAULT_WINDOW,
              Comparison.GE,
              pct / 100,
              Duration.ZERO,
              Duration.ZERO,
              new Rule.Margin(0, false),
              Duration.ofHours(24),
              pct >= 100 ? "critical" : "warning",
              Map.of(),
              annotations,
              0,
              List.of(),
              0));
    }
    return out;
  }

  private static boolean covered(double pct, List<Rule> rules) {
    for (Rule r : rules) {
      if (r.metric() == AlertMetric.BUDGET_USED_RATIO
          && r.filters().isEmpty()
          && (r.comparison() == Comparison.GE || r.comparison() == Comparison.GT)
          && Math.abs(r.threshold() - pct / 100) < 1e-9) {
        return true;
      }
    }
    return false;
  }
}
