package dev.tollgate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.observability.Dashboards.Dashboard;
import dev.tollgate.observability.Dashboards.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard query test: the real sidecar jar receives a fleet's OTLP for ~25 s, a real
 * Prometheus (its own config and data directory, a free loopback port) scrapes it every second and
 * evaluates alerts/prometheus/tollgate-rules.yaml, and then every panel target of every dashboard,
 * with Grafana's variables filled in, must parse and return data through Prometheus' HTTP API. A
 * metric the sidecar does not expose at all is named in the failure. Both processes are stopped at
 * the end, also when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesIT {
  /** Rounds of traffic (one a second) before the queries run. */
  static final int ROUNDS = 25;

  static final int MIN_SCRAPES = 15;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Dashboard> dashboards = Dashboards.load();
  private Path work;
  private ManagedProcess sidecar;
  private ManagedProcess prometheus;
  private ScheduledExecutorService feeder;
  private final AtomicInteger rounds = new AtomicInteger();
  private final AtomicReference<String> feedError = new AtomicReference<>();
  private Set<String> exposed;

  @BeforeAll
  void startSidecarAndPrometheusAndFeed() throws Exception {
    Path prometheusBin = Tools.require("prometheus.bin", "prometheus");
    Path jar = Path.of(System.getProperty("tollgate.sidecar.jar", "../../sidecar/target/tollgate-sidecar.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "sidecar jar not built: " + jar.toAbsolutePath() + " (mvn -B -pl sidecar package, or build from the root)");
    }
    work = Files.createDirectories(Path.of("target", "observability-it")).toAbsolutePath();
    deleteTree(work.resolve("run"));
    Path run = Files.createDirectories(work.resolve("run"));
    // A private copy: a rebuild of sidecar/target during the test must not pull the jar away.
    Path sidecarJar = Files.copy(jar, run.resolve("tollgate-sidecar.jar"), StandardCopyOption.REPLACE_EXISTING);

    int sidecarPort = Tools.freePort();
    List<String> sidecarCmd =
        new ArrayList<>(
            List.of(
                Tools.java(), "-Xmx256m", "-jar", sidecarJar.toString(),
                "--port", Integer.toString(sidecarPort),
                "--data-dir", Files.createDirectories(run.resolve("sidecar-data")).toString(),
                "--flush-interval", "1s"));
    Path sidecarConfig = sidecarConfig(run);
    if (sidecarConfig != null) {
      sidecarCmd.addAll(List.of("--config", sidecarConfig.toString()));
    }
    sidecar =
        ManagedProcess.start(
            "sidecar", sidecarCmd, run, run.resolve("sidecar.log"), sidecarPort, "/healthz", Duration.ofSeconds(60));

    int promPort = Tools.freePort();
    Path config = run.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "  evaluation_interval: 1s",
            "rule_files:",
            "  - " + Repo.alerts().resolve("tollgate-rules.yaml"),
            "scrape_configs:",
            "  - job_name: tollgate-sidecar",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + sidecarPort + "']",
            ""));
    prometheus =
        ManagedProcess.start(
            "prometheus",
            List.of(
                prometheusBin.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(run.resolve("prometheus-data")),
                "--storage.tsdb.retention.time=1h",
                "--web.listen-address=127.0.0.1:" + promPort,
                "--log.level=warn"),
            run,
            run.resolve("prometheus.log"),
            promPort,
            "/-/ready",
            Duration.ofSeconds(60));

    OtlpTraffic traffic = new OtlpTraffic(System.currentTimeMillis() * 1_000_000L);
    feeder =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "otlp-feeder");
              t.setDaemon(true);
              return t;
            });
    feeder.scheduleAtFixedRate(
        () -> {
          try {
            int round = rounds.get();
            long now = System.currentTimeMillis() * 1_000_000L;
            post("/v1/traces", traffic.traces(round, now).toByteArray());
            post("/v1/metrics", traffic.metrics(round, now).toByteArray());
            rounds.incrementAndGet();
          } catch (Exception | Error e) {
            feedError.compareAndSet(null, e.toString());
          }
        },
        0,
        1,
        TimeUnit.SECONDS);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
    int scrapes = 0;
    while (System.nanoTime() < deadline) {
      if (feedError.get() != null) {
        throw new AssertionError("sending OTLP to the sidecar failed: " + feedError.get() + "\n" + sidecar.tail());
      }
      scrapes = scrapes();
      if (rounds.get() >= ROUNDS && scrapes >= MIN_SCRAPES) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(rounds.get()).as("OTLP rounds sent").isGreaterThanOrEqualTo(ROUNDS);
    assertThat(scrapes).as("successful scrapes of the sidecar in the last minute\n" + prometheus.tail())
        .isGreaterThanOrEqualTo(MIN_SCRAPES);
    exposed = sidecarMetricNames();
  }

  /**
   * Sidecar options for the test (src/test/resources/sidecar-it.yaml, if present), e.g. budgets, so
   * that the budget metrics exist.
   */
  private static Path sidecarConfig(Path run) throws IOException {
    try (InputStream in = DashboardQueriesIT.class.getResourceAsStream("/sidecar-it.yaml")) {
      if (in == null) {
        return null;
      }
      Path p = run.resolve("sidecar-it.yaml");
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
      return p;
    }
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (feeder != null) {
      feeder.shutdownNow();
      feeder.awaitTermination(10, TimeUnit.SECONDS);
    }
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      if (sidecar != null) {
        sidecar.close();
      }
    }
    if (work != null) {
      // Keep the logs and configs for a look after a failure; drop the data.
      deleteTree(work.resolve("run").resolve("prometheus-data"));
      deleteTree(work.resolve("run").resolve("sidecar-data"));
      Files.deleteIfExists(work.resolve("run").resolve("tollgate-sidecar.jar"));
    }
  }

  // -------------------------------------------------------------------------------------------

  @Test
  void theSidecarExposesEveryMetricTheDashboardsQuery() {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    for (Dashboard d : dashboards) {
      for (Target t : d.targets()) {
        for (String m : Dashboards.metrics(t.expr())) {
          if (!exposed.contains(m)) {
            missing.computeIfAbsent(m, k -> new LinkedHashSet<>()).add(t.dashboard() + " / \"" + t.panel() + "\"");
          }
        }
      }
    }
    StringBuilder msg = new StringBuilder();
    missing.forEach((m, panels) -> msg.append("\n  metric ").append(m).append(" is not exposed by the sidecar's /metrics; used by ").append(panels));
    assertThat(missing).as("metrics the dashboards query but the sidecar does not expose:" + msg).isEmpty();
  }

  @Test
  void everyPanelQueryParsesAndReturnsData() throws Exception {
    List<String> failures = new ArrayList<>();
    List<String> report = new ArrayList<>();
    int checked = 0;
    long end = Instant.now().getEpochSecond();
    for (Dashboard d : dashboards) {
      for (Target t : d.targets()) {
        String expr = Dashboards.substitute(t.expr());
        JsonNode instant = query(expr);
        report.add(t.where() + " = " + sample(instant));
        String problem = check(instant, "instant");
        if (problem == null && !t.instant()) {
          problem = check(queryRange(expr, end - 60, end, 5), "range");
        }
        checked++;
        if (problem != null) {
          StringBuilder f = new StringBuilder(t.where()).append(": ").append(problem);
          for (String m : Dashboards.metrics(t.expr())) {
            if (!exposed.contains(m)) {
              f.append(" [metric ").append(m).append(" is not exposed by the sidecar]");
            }
          }
          failures.add(f.append("\n      ").append(expr.replace("\n", " ")).toString());
        }
      }
    }
    // What each query returned (series count, first sample), for a look at the figures.
    Files.write(work.resolve("panel-queries.txt"), report);
    System.out.println("DashboardQueriesIT: " + checked + " panel targets queried, " + failures.size() + " failed"
        + " (results in " + work.resolve("panel-queries.txt") + ")");
    assertThat(failures).as("panel queries that failed or returned no data (of " + checked + "):\n  " + String.join("\n  ", failures)).isEmpty();
    assertThat(checked).isGreaterThan(40);
  }

  /**
   * The controller's retry and wait counters arrive with their labels, and the ones sent as deltas
   * (support-bot) come out as counters that never reset.
   */
  @Test
  void controllerCountersArriveWithTheirLabelsAndDeltasAddUp() throws Exception {
    Set<String> reasons = labelValues("count by (reason) (tollgate_controller_retries_total)", "reason");
    assertThat(reasons).as("retry reasons").contains("429").isSubsetOf(
        "408", "429", "500", "502", "503", "504", "529", "other_status", "connect_error", "timeout", "io_error", "stream_error_event");
    Set<String> limiters = labelValues("count by (limiter) (tollgate_controller_waits_total)", "limiter");
    assertThat(limiters).as("wait limiters").containsExactlyInAnyOrder("requests", "tokens", "concurrency", "circuit_breaker");
    assertThat(labelValues("count by (service) (tollgate_controller_waits_total)", "service"))
        .as("services with waits").contains("checkout", "search", "support-bot");
    // Deltas are turned into running totals: no resets, and they grew.
    JsonNode resets = query("max(resets(tollgate_controller_waits_total{service=\"support-bot\"}[1m]))");
    assertThat(resets.path("data").path("result").path(0).path("value").path(1).asText()).as("resets " + resets).isEqualTo("0");
    JsonNode grew = query("min(increase(tollgate_controller_waits_total{service=\"support-bot\", limiter=\"concurrency\"}[1m]))");
    assertThat(Double.parseDouble(grew.path("data").path("result").path(0).path("value").path(1).asText("0")))
        .as("increase of support-bot's delta-sent waits " + grew).isPositive();
  }

  private Set<String> labelValues(String expr, String label) throws Exception {
    JsonNode r = query(expr);
    assertThat(r.path("status").asText()).as(expr + ": " + r).isEqualTo("success");
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode series : r.path("data").path("result")) {
      out.add(series.path("metric").path(label).asText());
    }
    return out;
  }

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)", Pattern.DOTALL);

  @Test
  void everyVariableQueryReturnsValues() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Dashboard d : dashboards) {
      for (JsonNode v : d.variables()) {
        if (!"query".equals(v.path("type").asText())) {
          continue;
        }
        String q = Dashboard.variableQuery(v);
        Matcher m = LABEL_VALUES.matcher(q);
        assertThat(m.matches()).as(d.name() + " $" + v.path("name").asText() + ": " + q).isTrue();
        String selector = Dashboards.substitute(m.group(1).trim());
        JsonNode r = get("/api/v1/label/" + m.group(2) + "/values?match[]=" + enc(selector));
        if (!"success".equals(r.path("status").asText()) || r.path("data").isEmpty()) {
          failures.add(d.name() + " $" + v.path("name").asText() + " (" + q + "): " + r);
        }
      }
    }
    assertThat(failures).as("variable queries without values").isEmpty();
  }

  @Test
  void annotationQueriesParse() throws Exception {
    for (Dashboard d : dashboards) {
      for (JsonNode a : d.json().path("annotations").path("list")) {
        if (a.has("expr")) {
          JsonNode r = query(Dashboards.substitute(a.path("expr").asText()));
          assertThat(r.path("status").asText()).as(d.name() + " annotation " + a.path("name") + ": " + r).isEqualTo("success");
        }
      }
    }
  }

  /** The alert rules load into a real Prometheus and evaluate without errors on the sidecar's metrics. */
  @Test
  void alertRulesEvaluateWithoutErrorsOnRealMetrics() throws Exception {
    JsonNode r = get("/api/v1/rules");
    assertThat(r.path("status").asText()).isEqualTo("success");
    int rules = 0;
    List<String> bad = new ArrayList<>();
    for (JsonNode g : r.path("data").path("groups")) {
      for (JsonNode rule : g.path("rules")) {
        rules++;
        if (!"ok".equals(rule.path("health").asText()) || !rule.path("lastError").asText("").isEmpty()) {
          bad.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " " + rule.path("lastError").asText(""));
        }
      }
    }
    assertThat(rules).as("rules loaded by Prometheus").isGreaterThanOrEqualTo(20);
    assertThat(bad).as("rules with evaluation errors").isEmpty();
  }

  // -------------------------------------------------------------------------------------------

  /** Null when the answer is a success with at least one sample that is a number. */
  private static String check(JsonNode r, String kind) {
    if (!"success".equals(r.path("status").asText())) {
      return kind + " query failed: " + r.path("errorType").asText() + ": " + r.path("error").asText();
    }
    JsonNode result = r.path("data").path("result");
    if (result.isEmpty()) {
      return kind + " query returned no series";
    }
    for (JsonNode series : result) {
      if (series.has("value") && isNumber(series.path("value").path(1).asText())) {
        return null;
      }
      for (JsonNode v : series.path("values")) {
        if (isNumber(v.path(1).asText())) {
          return null;
        }
      }
    }
    return kind + " query returned only NaN: " + result.toString().substring(0, Math.min(300, result.toString().length()));
  }

  private static String sample(JsonNode r) {
    JsonNode result = r.path("data").path("result");
    if (!"success".equals(r.path("status").asText()) || result.isEmpty()) {
      return r.path("status").asText() + " " + r.path("error").asText("(no series)");
    }
    JsonNode first = result.get(0);
    return result.size() + " series, e.g. " + first.path("metric") + " " + first.path("value").path(1).asText();
  }

  private static boolean isNumber(String s) {
    try {
      return !Double.isNaN(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private int scrapes() throws Exception {
    // up is 1 per successful scrape: its sum over the last minute counts them.
    JsonNode r = query("sum_over_time(up{job=\"tollgate-sidecar\"}[1m])");
    JsonNode v = r.path("data").path("result").path(0).path("value").path(1);
    return v.isMissingNode() ? 0 : (int) Double.parseDouble(v.asText());
  }

  private Set<String> sidecarMetricNames() throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(URI.create(sidecar.base() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("sidecar /metrics").isEqualTo(200);
    Set<String> names = new LinkedHashSet<>();
    for (String line : r.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private JsonNode query(String expr) throws Exception {
    return get("/api/v1/query?query=" + enc(expr));
  }

  private JsonNode queryRange(String expr, long start, long end, int step) throws Exception {
    return get("/api/v1/query_range?query=" + enc(expr) + "&start=" + start + "&end=" + end + "&step=" + step);
  }

  private JsonNode get(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(prometheus.base() + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    // 400/422 carry {"status":"error",...}: the caller reports it.
    return Dashboards.JSON.readTree(r.body());
  }

  private void post(String path, byte[] body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(sidecar.base() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("POST " + path + " -> " + r.statusCode() + " " + r.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
