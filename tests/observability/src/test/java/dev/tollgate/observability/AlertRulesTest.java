package dev.tollgate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Conventions of alerts/prometheus/tollgate-rules.yaml that promtool does not check: labels and
 * annotations on every alert, a runbook page per alert, and promtool unit tests with a firing and a
 * not-firing case for every alert.
 */
class AlertRulesTest {
  static final String RUNBOOK_PREFIX = "https://github.com/tollgate/tollgate/blob/main/docs/runbooks/";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  final JsonNode rules = read(Repo.alerts().resolve("tollgate-rules.yaml"));

  static JsonNode read(Path p) {
    try {
      return YAML.readTree(p.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot parse " + p + ": " + e.getMessage(), e);
    }
  }

  Map<String, JsonNode> alerts() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode g : rules.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (r.has("alert")) {
          assertThat(out.put(r.path("alert").asText(), r)).as("duplicate alert " + r.path("alert")).isNull();
        }
      }
    }
    return out;
  }

  @Test
  void theDefaultSignalsAreAllCovered() {
    assertThat(alerts().keySet())
        .contains(
            "TollgateHighP95Latency",
            "TollgateHighErrorRate",
            "TollgateLimiterQueueDepthHigh",
            "TollgateCircuitBreakerOpen",
            "TollgateBudgetAt80Percent",
            "TollgateBudgetAt100Percent",
            "TollgateRateLimited429",
            "TollgateSlowTimeToFirstChunk",
            "TollgateUnpricedCalls",
            "TollgateHighCostPerHour",
            "TollgateErrorBudgetBurnFast",
            "TollgateErrorBudgetBurnSlow");
  }

  /**
   * Every default rule of the sidecar (alerts/sidecar-default-rules.yaml) has a Prometheus twin
   * named Tollgate + its name, with the same severity: a change there shows up here.
   */
  @Test
  void everySidecarDefaultRuleHasAPrometheusTwin() {
    Path defaults = Repo.root().resolve("alerts").resolve("sidecar-default-rules.yaml");
    assertThat(defaults).as("the sidecar's default rules (issue 6)").exists();
    Map<String, JsonNode> alerts = alerts();
    int n = 0;
    for (JsonNode rule : read(defaults).path("rules")) {
      String twin = "Tollgate" + rule.path("name").asText();
      assertThat(alerts).as("Prometheus twin of the sidecar's default rule " + rule.path("name")).containsKey(twin);
      assertThat(alerts.get(twin).path("labels").path("severity").asText())
          .as(twin + " severity, as the sidecar's " + rule.path("name"))
          .isEqualTo(rule.path("severity").asText());
      n++;
    }
    assertThat(n).as("default rules").isPositive();
  }

  @Test
  void onlyWhatPrometheus242Supports() {
    for (JsonNode g : rules.path("groups")) {
      // Group-level labels need Prometheus 3.0; Debian's promtool is 2.42.
      assertThat(g.has("labels")).as("group " + g.path("name") + " has labels:").isFalse();
      assertThat(g.has("query_offset")).as("group " + g.path("name") + " has query_offset:").isFalse();
      assertThat(g.has("limit")).as("group " + g.path("name") + " has limit:").isFalse();
    }
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndRunbook() {
    for (Map.Entry<String, JsonNode> e : alerts().entrySet()) {
      String name = e.getKey();
      JsonNode r = e.getValue();
      assertThat(name).as("CamelCase with the Tollgate prefix").matches("Tollgate[A-Z][A-Za-z0-9]+");
      assertThat(r.path("labels").path("severity").asText()).as(name + " severity").isIn("critical", "warning", "info");
      for (String a : List.of("summary", "description", "runbook_url")) {
        assertThat(r.path("annotations").path(a).asText()).as(name + " annotation " + a).isNotBlank();
      }
      assertThat(r.path("annotations").path("runbook_url").asText())
          .as(name + " runbook_url")
          .isEqualTo(RUNBOOK_PREFIX + name + ".md");
    }
  }

  @Test
  void everyAlertHasARunbookPageAndEveryPageAnAlert() throws IOException {
    Set<String> pages = new HashSet<>();
    try (Stream<Path> files = Files.list(Repo.runbooks())) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("Tollgate") && n.endsWith(".md"))
          .forEach(n -> pages.add(n.substring(0, n.length() - 3)));
    }
    assertThat(pages).as("docs/runbooks/<alert>.md").containsExactlyInAnyOrderElementsOf(alerts().keySet());
    for (String name : alerts().keySet()) {
      String page = Files.readString(Repo.runbooks().resolve(name + ".md"));
      assertThat(page).as(name + ".md").startsWith("# " + name);
      for (String section : List.of("## Meaning", "## Likely causes", "## Check", "## Do")) {
        assertThat(page).as(name + ".md section " + section).contains(section);
      }
    }
  }

  /** For each alert, a promtool test expecting it and one expecting it absent. */
  @Test
  void everyAlertIsTestedFiringAndNotFiring() throws IOException {
    Map<String, int[]> cases = new LinkedHashMap<>();
    alerts().keySet().forEach(a -> cases.put(a, new int[2]));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Repo.alerts().resolve("tests"))) {
      s.filter(p -> p.toString().endsWith(".test.yaml")).sorted().forEach(files::add);
    }
    assertThat(files).as("alerts/prometheus/tests/*.test.yaml").isNotEmpty();
    for (Path f : files) {
      JsonNode doc = read(f);
      assertThat(doc.path("rule_files").toString()).as(f + " rule_files").contains("tollgate-rules.yaml");
      for (JsonNode test : doc.path("tests")) {
        for (JsonNode t : test.path("alert_rule_test")) {
          int[] c = cases.get(t.path("alertname").asText());
          assertThat(c).as(f.getFileName() + ": test of unknown alert " + t.path("alertname")).isNotNull();
          if (t.path("exp_alerts").size() > 0) {
            c[0]++;
          } else {
            c[1]++;
          }
        }
      }
    }
    for (Map.Entry<String, int[]> e : cases.entrySet()) {
      assertThat(e.getValue()[0]).as(e.getKey() + ": firing cases").isPositive();
      assertThat(e.getValue()[1]).as(e.getKey() + ": not-firing cases").isPositive();
    }
  }
}
