package dev.tollgate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.observability.Dashboards.Dashboard;
import dev.tollgate.observability.Dashboards.Target;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Offline invariants of the Grafana dashboards, so they import through the UI and provision from
 * files alike: valid JSON, a {@code datasource} variable and no data source hard-coded anywhere,
 * unique panel ids, panels on the 24-column grid, an expression in every target.
 */
class DashboardJsonTest {
  static final List<String> EXPECTED =
      List.of("tollgate-controller.json", "tollgate-costs.json", "tollgate-overview.json");
  static final String DS_VARIABLE = "${datasource}";

  final List<Dashboard> dashboards = Dashboards.load();

  @Test
  void theThreeDashboardsExistAndParse() {
    assertThat(dashboards).extracting(Dashboard::name).containsExactlyElementsOf(EXPECTED);
    for (Dashboard d : dashboards) {
      assertThat(d.json().path("title").asText()).as(d.name()).isNotBlank();
      assertThat(d.json().path("uid").asText()).as(d.name()).matches("[a-z0-9-]{1,40}");
      assertThat(d.json().path("schemaVersion").asInt()).as(d.name()).isBetween(36, 41);
      // Provisioned dashboards must not carry a database id of the instance they came from.
      assertThat(d.json().path("id").isNull() || d.json().path("id").isMissingNode())
          .as(d.name() + ": id must be null")
          .isTrue();
    }
    assertThat(dashboards.stream().map(d -> d.json().path("uid").asText()).distinct().count())
        .as("dashboard uids are unique")
        .isEqualTo(dashboards.size());
  }

  @Test
  void noExportPlaceholdersThatOnlyTheImportDialogResolves() throws Exception {
    for (Dashboard d : dashboards) {
      String text = Files.readString(d.file());
      assertThat(d.json().has("__inputs")).as(d.name() + " has __inputs").isFalse();
      assertThat(d.json().has("__requires")).as(d.name() + " has __requires").isFalse();
      assertThat(text).as(d.name()).doesNotContain("${DS_");
    }
  }

  @Test
  void aDatasourceVariableOfTypeDatasourceSelectsPrometheus() {
    for (Dashboard d : dashboards) {
      JsonNode ds =
          d.variables().stream()
              .filter(v -> v.path("name").asText().equals("datasource"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(d.name() + ": no variable named datasource"));
      assertThat(ds.path("type").asText()).as(d.name()).isEqualTo("datasource");
      assertThat(ds.path("query").asText()).as(d.name()).isEqualTo("prometheus");
      assertThat(ds.path("label").asText()).as(d.name()).isEqualTo("Data source");
    }
  }

  @Test
  void everyDatasourceReferenceIsTheVariable() {
    for (Dashboard d : dashboards) {
      List<String> bad = new ArrayList<>();
      collectDatasources(d.json(), "$", bad);
      assertThat(bad).as(d.name() + ": datasource references other than " + DS_VARIABLE).isEmpty();
      for (JsonNode p : d.queryPanels()) {
        assertThat(p.path("datasource").path("uid").asText())
            .as(d.name() + " / " + p.path("title").asText() + ": panel datasource")
            .isEqualTo(DS_VARIABLE);
      }
    }
  }

  /** Every "datasource" value anywhere must be {type: prometheus, uid: ${datasource}}. */
  private static void collectDatasources(JsonNode node, String path, List<String> bad) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String here = path + "." + e.getKey();
        if (e.getKey().equals("datasource")) {
          JsonNode ds = e.getValue();
          boolean ok =
              ds.isObject()
                  && DS_VARIABLE.equals(ds.path("uid").asText())
                  && "prometheus".equals(ds.path("type").asText());
          if (!ok) {
            bad.add(here + " = " + ds);
          }
        } else {
          collectDatasources(e.getValue(), here, bad);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectDatasources(node.get(i), path + "[" + i + "]", bad);
      }
    }
  }

  @Test
  void serviceProviderAndModelVariablesAreMultiValueLabelQueriesWithAll() {
    for (Dashboard d : dashboards) {
      for (String name : List.of("service", "provider", "model", "endpoint")) {
        JsonNode v =
            d.variables().stream()
                .filter(x -> x.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(d.name() + ": no variable " + name));
        String where = d.name() + " $" + name;
        assertThat(v.path("type").asText()).as(where).isEqualTo("query");
        assertThat(v.path("multi").asBoolean()).as(where + " multi").isTrue();
        assertThat(v.path("includeAll").asBoolean()).as(where + " includeAll").isTrue();
        assertThat(v.path("allValue").asText()).as(where + " allValue").isEqualTo(".*");
        assertThat(Dashboard.variableQuery(v))
            .as(where + " query")
            .matches("label_values\\(tollgate_\\w+(\\{.*})?, " + name + "\\)");
      }
    }
  }

  @Test
  void panelIdsAreUniqueAndPanelsFitTheGrid() {
    for (Dashboard d : dashboards) {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : d.allPanels()) {
        String where = d.name() + " / " + p.path("title").asText();
        assertThat(p.path("id").isInt()).as(where + ": integer id").isTrue();
        assertThat(ids.add(p.path("id").asInt())).as(where + ": duplicate id " + p.path("id")).isTrue();
        JsonNode g = p.path("gridPos");
        int x = g.path("x").asInt(-1);
        int w = g.path("w").asInt(0);
        assertThat(x).as(where + " gridPos.x").isBetween(0, 23);
        assertThat(w).as(where + " gridPos.w").isBetween(1, 24);
        assertThat(x + w).as(where + " x + w").isLessThanOrEqualTo(24);
        assertThat(g.path("h").asInt(0)).as(where + " gridPos.h").isPositive();
        assertThat(p.path("title").asText()).as(where + ": title").isNotBlank();
      }
      assertThat(ids).as(d.name() + ": panels").hasSizeGreaterThan(5);
    }
  }

  @Test
  void everyPanelHasADescriptionAndEveryTargetAnExpression() {
    for (Dashboard d : dashboards) {
      for (JsonNode p : d.queryPanels()) {
        String where = d.name() + " / " + p.path("title").asText();
        assertThat(p.path("description").asText()).as(where + ": description").isNotBlank();
        assertThat(p.path("targets").size()).as(where + ": targets").isPositive();
        Set<String> refIds = new HashSet<>();
        for (JsonNode t : p.path("targets")) {
          assertThat(t.path("expr").asText("")).as(where + ": expr").isNotBlank();
          assertThat(refIds.add(t.path("refId").asText())).as(where + ": refId unique").isTrue();
        }
      }
    }
  }

  private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)]");

  /** Rates follow the scrape interval ($__rate_interval) or the time range, never a fixed window. */
  @Test
  void rangeSelectorsUseGrafanaIntervals() {
    for (Dashboard d : dashboards) {
      for (Target t : d.targets()) {
        Matcher m = RANGE.matcher(t.expr());
        while (m.find()) {
          assertThat(m.group(1)).as(t.where() + ": " + t.expr()).isIn("$__rate_interval", "$__range");
        }
      }
    }
  }

  /**
   * Controller gauges and counters only carry service and endpoint (plus their own label); filtering
   * them by provider or model empties them.
   */
  @Test
  void controllerGaugesAreNotFilteredByLabelsTheyDoNotHave() {
    Pattern gauge =
        Pattern.compile(
            "tollgate_(queue_depth|in_flight|concurrency_limit|breaker_state|breaker_transitions_total"
                + "|controller_retries_total|controller_waits_total"
                + "|cost_month_to_date_usd|cost_forecast_month_usd|budget_\\w+|dify_price_drift_usd_total)\\{([^}]*)}");
    for (Dashboard d : dashboards) {
      for (Target t : d.targets()) {
        Matcher m = gauge.matcher(t.expr());
        while (m.find()) {
          assertThat(m.group(2)).as(t.where()).doesNotContain("$provider").doesNotContain("$model");
        }
      }
    }
  }

  @Test
  void theReadmeDescribesEveryRow() throws Exception {
    String readme = Files.readString(Repo.dashboards().resolve("README.md"));
    for (Dashboard d : dashboards) {
      assertThat(readme).as("README names " + d.name()).contains(d.name());
      for (JsonNode p : d.allPanels()) {
        if ("row".equals(p.path("type").asText())) {
          assertThat(readme)
              .as("dashboards/README.md describes row \"" + p.path("title").asText() + "\" of " + d.name())
              .contains(p.path("title").asText());
        }
      }
    }
  }

  @Test
  void provisioningFilesAreGrafanaApiVersion1() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode providers = yaml.readTree(Repo.dashboards().resolve("provisioning/dashboards.yaml").toFile());
    assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
    JsonNode provider = providers.path("providers").path(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText()).isNotBlank();

    JsonNode sources = yaml.readTree(Repo.dashboards().resolve("provisioning/datasource.yaml").toFile());
    assertThat(sources.path("apiVersion").asInt()).isEqualTo(1);
    JsonNode ds = sources.path("datasources").path(0);
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    assertThat(ds.path("url").asText()).startsWith("http");
  }

  @Test
  void substitutionFillsEveryVariable() {
    assertThat(
            Dashboards.substitute(
                "sum(rate(x{service=~\"$service\", model=~\"${model}\", e=~\"[[endpoint]]\"}[$__rate_interval]))"
                    + " + increase(y[$__range])"))
        .isEqualTo("sum(rate(x{service=~\".*\", model=~\".*\", e=~\".*\"}[1m])) + increase(y[1h])");
    for (Dashboard d : dashboards) {
      for (Target t : d.targets()) {
        assertThat(Dashboards.substitute(t.expr())).as(t.where()).doesNotContain("$").doesNotContain("[[");
      }
    }
  }
}
