package dev.tollgate.sidecar;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.testing.MutableClock;
import dev.tollgate.sidecar.testing.Otlp;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP in, alert out: slow calls drive p95 latency above 3 s, the alert reaches a webhook, then
 * resolves; and costs, alert states and history survive a restart without a second notification.
 * The sidecar runs for real (HTTP, SQLite, receiver threads) on a clock the test moves.
 */
class AlertsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final WireMockServer wm = new WireMockServer(options().dynamicPort());

  @TempDir Path dir;

  @BeforeEach
  void start() {
    wm.start();
    wm.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    wm.stop();
  }

  private Config config(MutableClock clock) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        rules:
          - name: HighP95Latency
            metric: p95_latency_ms
            scope: {group_by: [service]}
            window: 1m
            comparison: ">"
            threshold: 3s
            min_calls: 1
            severity: critical
            annotations:
              summary: "p95 {{value}} ms for {{labels.service}}"
          - name: BudgetAt80Percent
            metric: budget_used_ratio
            comparison: ">="
            threshold: 0.8
            resolve_margin: 0
        """);
    Receiver hook =
        new Receiver.Webhook(
            "ops",
            URI.create("http://127.0.0.1:" + wm.port() + "/hook"),
            Duration.ofSeconds(5),
            Map.of(),
            true,
            new Receiver.Delivery(3, Duration.ofMillis(50), Duration.ofMillis(200)));
    return Config.defaults()
        .withDataDir(dir.resolve("data"))
        .withPort(0)
        .withRulesFile(rules)
        .withEvalInterval(Duration.ofSeconds(1))
        .withReceivers(List.of(hook))
        .withBudgets(
            List.of(new Budget("monthly", Budget.Period.MONTHLY, 0.01, Map.of(), List.of())));
  }

  private void send(App app, String service, List<Span> spans) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        Otlp.traces(service, spans).toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private JsonNode get(App app, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private List<JsonNode> hookBodies() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (LoggedRequest r : wm.findAll(postRequestedFor(urlEqualTo("/hook")))) {
      out.add(JSON.readTree(r.getBodyAsString()));
    }
    return out;
  }

  private static void await(BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private static List<Span> calls(Instant end, double seconds, int n) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Otlp.call("openai", "gpt-4o-mini")
              .endpoint("main")
              .tokens(100, 10)
              .duration(seconds)
              .endAt(end)
              .build());
    }
    return out;
  }

  private long hookCount(String status) throws Exception {
    return hookBodies().stream().filter(b -> b.get("status").asText().equals(status)).count();
  }

  @Test
  void slowCallsFireTheAlertAtTheWebhookAndFastOnesResolveIt() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (App app = App.start(config(clock), clock)) {
      send(app, "checkout", calls(clock.instant(), 4.5, 20));
      app.evaluateAlerts();
      await(() -> wm.findAll(postRequestedFor(urlEqualTo("/hook"))).size() >= 1);
      JsonNode fired = hookBodies().get(0);
      assertThat(fired.get("status").asText()).isEqualTo("firing");
      JsonNode alert = fired.get("alerts").get(0);
      assertThat(alert.get("name").asText()).isEqualTo("HighP95Latency");
      assertThat(alert.get("labels").get("service").asText()).isEqualTo("checkout");
      assertThat(alert.get("value").asDouble()).isCloseTo(4500, within(45.0));
      assertThat(alert.get("annotations").get("summary").asText()).startsWith("p95 4");
      assertThat(alert.get("generatorURL").asText())
          .isEqualTo("http://127.0.0.1:" + app.port() + "/api/v1/alerts?name=HighP95Latency");

      JsonNode active = get(app, "/api/v1/alerts").get("alerts");
      assertThat(active).hasSize(1);
      assertThat(active.get(0).get("state").asText()).isEqualTo("firing");

      // Two minutes on, only fast calls are in the 1-minute window.
      clock.advance(Duration.ofMinutes(2));
      send(app, "checkout", calls(clock.instant(), 0.4, 20));
      app.evaluateAlerts();
      await(() -> wm.findAll(postRequestedFor(urlEqualTo("/hook"))).size() >= 2);
      assertThat(hookCount("firing")).isEqualTo(1);
      assertThat(hookCount("resolved")).isEqualTo(1);
      wm.verify(
          postRequestedFor(urlEqualTo("/hook"))
              .withRequestBody(
                  matchingJsonPath(
                      "$.alerts[0].endsAt",
                      com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                          clock.instant().toString()))));
      assertThat(get(app, "/api/v1/alerts").get("alerts")).isEmpty();
      JsonNode history = get(app, "/api/v1/alerts/history").get("events");
      assertThat(history)
          .extracting(h -> h.get("event").asText())
          .containsExactly("resolved", "firing");
    }
  }

  @Test
  void costsAlertStatesAndHistorySurviveARestart() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Config config = config(clock);
    JsonNode costsBefore;
    String firingSince;
    try (App app = App.start(config, clock)) {
      // 100 calls of gpt-4o-mini, 100 in / 10 out: 100 x (1.5e-5 + 6e-6) = 0.0021 USD.
      send(app, "checkout", calls(clock.instant(), 0.2, 100));
      // 0.012 USD more in another service: the 0.01 monthly budget is exceeded.
      List<Span> big = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        big.add(
            Otlp.call("openai", "gpt-4o")
                .endpoint("main")
                .tokens(1000, 50)
                .duration(0.3)
                .endAt(clock.instant())
                .build());
      }
      send(app, "search", big);
      app.evaluateAlerts();
      await(() -> wm.findAll(postRequestedFor(urlEqualTo("/hook"))).size() >= 1);
      costsBefore = get(app, "/api/v1/costs?window=7d&by=service");
      assertThat(costsBefore.get("total").asDouble()).isCloseTo(0.0021 + 0.012, within(1e-9));
      JsonNode active = get(app, "/api/v1/alerts").get("alerts");
      assertThat(active)
          .singleElement()
          .satisfies(a -> assertThat(a.get("name").asText()).isEqualTo("BudgetAt80Percent"));
      firingSince = active.get(0).get("since").asText();
    }
    clock.advance(Duration.ofSeconds(30));
    try (App app = App.start(config, clock)) {
      JsonNode costsAfter = get(app, "/api/v1/costs?window=7d&by=service");
      assertThat(costsAfter.get("total")).isEqualTo(costsBefore.get("total"));
      assertThat(costsAfter.get("rows")).isEqualTo(costsBefore.get("rows"));
      assertThat(costsAfter.get("month_to_date")).isEqualTo(costsBefore.get("month_to_date"));
      JsonNode active = get(app, "/api/v1/alerts").get("alerts");
      assertThat(active)
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.get("state").asText()).isEqualTo("firing");
                assertThat(a.get("since").asText()).isEqualTo(firingSince);
              });
      app.evaluateAlerts();
      Thread.sleep(300); // a second notification would have gone out by now
      assertThat(hookCount("firing")).isEqualTo(1);
      assertThat(get(app, "/api/v1/alerts/history").get("events")).hasSize(1);
      assertThat(get(app, "/api/v1/budgets").get("budgets").get(0).get("spent").asDouble())
          .isCloseTo(0.0141, within(1e-9));
    }
  }
}
