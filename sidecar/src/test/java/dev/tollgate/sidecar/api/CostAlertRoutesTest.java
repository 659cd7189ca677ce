package dev.tollgate.sidecar.api;

import static dev.tollgate.sidecar.testing.Otlp.num;
import static dev.tollgate.sidecar.testing.Otlp.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.App;
import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.CostSettings;
import dev.tollgate.sidecar.testing.MutableClock;
import dev.tollgate.sidecar.testing.Otlp;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cost, budget, price, alert and rule routes through JavalinTest. */
class CostAlertRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static final CostSettings RMB =
      new CostSettings(Map.of(), Map.of(), List.of(), Map.of(), Map.of("RMB", 0.14));

  /**
   * Four calls: OpenAI with cache, Anthropic with cache read/write, Ollama (unpriced), Dify in RMB.
   */
  static List<Span> fourCalls(Instant end) {
    Span openai =
        Otlp.call("openai", "gpt-4o")
            .endpoint("main")
            .tokens(1000, 500)
            .attr(num(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, 400))
            .endAt(end)
            .build();
    Span anthropic =
        Otlp.call("anthropic", "claude-sonnet-4-5-20250929")
            .endpoint("claude")
            .tokens(2600, 300)
            .attr(num(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, 2000))
            .attr(num(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS, 500))
            .endAt(end)
            .build();
    Span ollama =
        Otlp.call("ollama", "llama3").endpoint("local").tokens(300, 50).endAt(end).build();
    Span dify =
        Otlp.call("dify", "")
            .endpoint("dify")
            .attr(str(Tollgate.DIFY_APP, "support-bot"))
            .attr(str(Tollgate.DIFY_PRICE, "0.5000000"))
            .attr(str(Tollgate.DIFY_CURRENCY, "RMB"))
            .endAt(end)
            .build();
    return List.of(openai, anthropic, ollama, dify);
  }

  static final double TOTAL = 0.007 + 0.007275 + 0.07;

  private static JsonNode json(Response r) throws Exception {
    String body = r.body().string();
    assertThat(r.code()).as(body).isEqualTo(200);
    return JSON.readTree(body);
  }

  private static JsonNode get(HttpClient client, String path) throws Exception {
    return json(client.get(path));
  }

  @Test
  void costsBudgetsPricesAlertsAndRules() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Config config =
        Config.defaults()
            .withDataDir(dir)
            .withPort(0)
            .withCosts(RMB)
            .withBudgets(
                List.of(
                    new Budget("all-monthly", Budget.Period.MONTHLY, 0.1, Map.of(), List.of()),
                    new Budget(
                        "checkout-daily",
                        Budget.Period.DAILY,
                        1.0,
                        Map.of(Dimension.SERVICE, "checkout"),
                        List.of(50.0))));
    try (App app = App.create(config, clock)) {
      JavalinTest.test(
          app.javalin(),
          (server, client) -> {
            Response r =
                client.request(
                    "/v1/traces",
                    b ->
                        b.post(
                                BodyPublishers.ofByteArray(
                                    Otlp.traces("checkout", fourCalls(clock.instant()))
                                        .toByteArray()))
                            .header("Content-Type", "application/x-protobuf"));
            assertThat(r.code()).isEqualTo(200);

            JsonNode c = get(client, "/api/v1/costs?window=30d&by=model");
            assertThat(c.get("window").asText()).isEqualTo("30d");
            assertThat(c.get("currency").asText()).isEqualTo("USD");
            assertThat(c.get("total").asDouble()).isCloseTo(TOTAL, within(1e-9));
            assertThat(c.get("calls").asLong()).isEqualTo(4);
            assertThat(c.get("unpriced_calls").asLong()).isEqualTo(1);
            assertThat(c.get("rows")).hasSize(4);
            assertThat(c.get("rows").get(0).get("group").asText())
                .isEmpty(); // the Dify call names no model
            assertThat(c.get("rows").get(0).get("cost").asDouble()).isCloseTo(0.07, within(1e-9));
            assertThat(c.get("rows").get(1).get("group").asText())
                .isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(c.get("rows").get(1).get("cost").asDouble())
                .isCloseTo(0.007275, within(1e-9));
            assertThat(c.get("rows").get(3).get("group").asText()).isEqualTo("llama3");
            assertThat(c.get("rows").get(3).get("unpriced_calls").asLong()).isEqualTo(1);
            JsonNode unpriced = c.get("unpriced_models");
            assertThat(unpriced).hasSize(1);
            assertThat(unpriced.get(0).get("model").asText()).isEqualTo("llama3");
            assertThat(unpriced.get(0).get("provider").asText()).isEqualTo("ollama");
            assertThat(unpriced.get(0).get("reasons").get("no_price").asLong()).isEqualTo(1);
            assertThat(c.get("month_to_date").asDouble()).isCloseTo(TOTAL, within(1e-9));
            assertThat(c.get("forecast_month").asDouble()).isGreaterThanOrEqualTo(TOTAL - 1e-9);
            assertThat(c.get("prices_as_of").asText()).isEqualTo("2026-07-24");

            JsonNode byProvider = get(client, "/api/v1/costs?window=1h&by=provider&endpoint=main");
            assertThat(byProvider.get("rows")).hasSize(1);
            assertThat(byProvider.get("rows").get(0).get("group").asText()).isEqualTo("openai");
            assertThat(byProvider.get("total").asDouble()).isCloseTo(0.007, within(1e-9));
            assertThat(get(client, "/api/v1/costs?window=mtd&by=none").get("total").asDouble())
                .isCloseTo(TOTAL, within(1e-9));
            assertThat(client.get("/api/v1/costs?window=40d").code()).isEqualTo(400);
            assertThat(client.get("/api/v1/costs?by=operation").code()).isEqualTo(400);

            JsonNode ts = get(client, "/api/v1/costs/timeseries?step=1h&window=3h");
            assertThat(ts.get("points")).hasSize(3);
            assertThat(ts.get("points").get(2).get("cost").asDouble())
                .isCloseTo(TOTAL, within(1e-9));
            assertThat(get(client, "/api/v1/costs/timeseries?step=1mo&window=2mo").get("points"))
                .hasSize(2);
            assertThat(client.get("/api/v1/costs/timeseries?step=1m&window=7h").code())
                .isEqualTo(400);

            JsonNode budgets = get(client, "/api/v1/budgets").get("budgets");
            assertThat(budgets).hasSize(2);
            assertThat(budgets.get(0).get("spent").asDouble()).isCloseTo(TOTAL, within(1e-9));
            assertThat(budgets.get(0).get("used_ratio").asDouble())
                .isCloseTo(TOTAL / 0.1, within(1e-6));
            assertThat(budgets.get(1).get("scope").asText()).isEqualTo("service=checkout");
            assertThat(budgets.get(1).get("alert_at").get(0).asInt()).isEqualTo(50);

            JsonNode price =
                get(client, "/api/v1/prices?model=gpt-4o-2024-08-06&provider=openai").get("match");
            assertThat(price.get("key").asText()).isEqualTo("gpt-4o");
            assertThat(price.get("how").asText()).isEqualTo("normalized");
            assertThat(price.get("input_per_million").asDouble()).isEqualTo(2.5);
            assertThat(price.get("cache_read_per_million").asDouble()).isEqualTo(1.25);

            String metrics = client.get("/metrics").body().string();
            assertThat(metrics)
                .contains(
                    "tollgate_cost_usd_total{dify_app=\"\",endpoint=\"main\",model=\"gpt-4o\",provider=\"openai\",service=\"checkout\"}"
                        + " 0.007")
                .contains("tollgate_cost_estimated_usd_total{")
                .contains(
                    "tollgate_unpriced_calls_total{endpoint=\"local\",model=\"llama3\",provider=\"ollama\",service=\"checkout\"}"
                        + " 1.0")
                .contains(
                    "tollgate_dify_price_drift_usd_total{dify_app=\"support-bot\",direction=\"over\"")
                .contains("tollgate_cost_month_to_date_usd{scope=\"all\"} 0.084275")
                .contains("tollgate_cost_forecast_month_usd{scope=\"all\"}")
                .contains(
                    "tollgate_budget_limit_usd{budget=\"all-monthly\",period=\"monthly\"} 0.1")
                .contains(
                    "tollgate_budget_spent_usd{budget=\"all-monthly\",period=\"monthly\"} 0.084275")
                .contains("tollgate_budget_used_ratio{budget=\"all-monthly\",period=\"monthly\"}")
                .contains(
                    "tollgate_alerts_firing{alertname=\"HighP95Latency\",severity=\"warning\"}"
                        + " 0.0");

            app.evaluateAlerts();
            JsonNode alerts = get(client, "/api/v1/alerts").get("alerts");
            assertThat(alerts)
                .extracting(a -> a.get("name").asText())
                .containsExactlyInAnyOrder("BudgetAt80Percent", "UnpricedCalls");
            JsonNode budgetAlert =
                alerts.get(alerts.get(0).get("name").asText().equals("BudgetAt80Percent") ? 0 : 1);
            assertThat(budgetAlert.get("state").asText()).isEqualTo("firing");
            assertThat(budgetAlert.get("threshold").asDouble()).isEqualTo(0.8);
            assertThat(budgetAlert.get("value").asDouble()).isCloseTo(TOTAL / 0.1, within(1e-6));
            assertThat(budgetAlert.get("since").asText()).isEqualTo(clock.instant().toString());
            assertThat(budgetAlert.get("labels").get("budget").asText()).isEqualTo("all-monthly");
            assertThat(budgetAlert.get("annotations").get("summary").asText())
                .isEqualTo("Budget all-monthly (monthly) has used 84.3% of its limit");
            assertThat(get(client, "/api/v1/alerts?state=pending").get("alerts")).isEmpty();

            JsonNode history = get(client, "/api/v1/alerts/history?limit=10").get("events");
            assertThat(history).hasSize(2);
            assertThat(history.get(0).get("event").asText()).isEqualTo("firing");
            assertThat(client.get("/api/v1/alerts/history?limit=0").code()).isEqualTo(400);

            JsonNode rules = get(client, "/api/v1/rules");
            assertThat(rules.get("source").asText()).isEqualTo("default");
            assertThat(rules.get("errors")).isEmpty();
            // Ten default rules plus BudgetAt50Percent for checkout-daily's alert_at.
            assertThat(rules.get("rules")).hasSize(11);
            assertThat(rules.get("rules").get(0).get("name").asText()).isEqualTo("HighP95Latency");
            assertThat(rules.get("rules").get(0).get("threshold").asInt()).isEqualTo(3000);
            assertThat(rules.get("rules").get(10).get("name").asText())
                .isEqualTo("BudgetAt50Percent");

            assertThat(client.get("/metrics").body().string())
                .contains(
                    "tollgate_alerts_firing{alertname=\"BudgetAt80Percent\",severity=\"warning\"}"
                        + " 1.0");
          });
    }
  }
}
