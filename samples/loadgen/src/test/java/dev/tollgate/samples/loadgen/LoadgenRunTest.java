package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.samples.fakellm.FakeLlmMain;
import dev.tollgate.samples.fakellm.FakeLlmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short real runs against the fake server on loopback, bounded by a request count so the counts are
 * exact. Token totals are checked against what the server says it served.
 */
@Timeout(120)
class LoadgenRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private record Run(int code, String out, JsonNode report) {}

  private Run run(String... args) throws Exception {
    Path json = dir.resolve("report-" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--json", json.toString(), "--progress", "off"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        LoadgenMain.run(
            all.toArray(String[]::new),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    JsonNode report = Files.exists(json) ? JSON.readTree(json.toFile()) : null;
    return new Run(
        code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8), report);
  }

  private static JsonNode serverStats(FakeLlmServer server) throws Exception {
    return JSON.readTree(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/admin/stats"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void closedLoopCountsEveryRequestAndEveryRateLimit() throws Exception {
    try (FakeLlmServer server = FakeLlmMain.launch("--zero-latency", "--rate-429", "0.1")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port(),
              "--requests",
              "200",
              "--concurrency",
              "4");
      assertThat(r.code).as(r.out).isZero();
      JsonNode j = r.report;
      assertThat(j.path("requests").path("total").asLong()).isEqualTo(200);
      assertThat(j.path("requests").path("ok").asLong()).isEqualTo(180);
      assertThat(j.path("errors").path("429").asLong()).isEqualTo(20);
      assertThat(j.path("errors").path("5xx").asLong()).isZero();
      assertThat(j.path("errors").path("connection").asLong()).isZero();
      assertThat(j.path("errors").path("timeout").asLong()).isZero();
      assertThat(j.path("latency_ms").path("count").asLong()).isEqualTo(180);
      JsonNode served = serverStats(server);
      assertThat(served.path("requests").asLong()).isEqualTo(200);
      assertThat(j.path("tokens").path("input").asLong())
          .isEqualTo(served.path("promptTokens").asLong());
      assertThat(j.path("tokens").path("output").asLong())
          .isEqualTo(served.path("completionTokens").asLong());
      assertThat(j.path("tokens").path("output").asLong()).isEqualTo(180 * 32);
      assertThat(j.path("estimated_cost_usd").asDouble()).isPositive();
      assertThat(r.out).contains("throughput", "p99", "429", "estimated cost");
    }
  }

  @Test
  void streamingRunsMeasureTimeToFirstChunk() throws Exception {
    try (FakeLlmServer server =
        FakeLlmMain.launch("--zero-latency", "--output-tokens", "5", "--error-rate", "0.25")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port() + "/v1",
              "--stream",
              "--requests",
              "100",
              "--concurrency",
              "3");
      JsonNode j = r.report;
      assertThat(j.path("requests").path("ok").asLong()).isEqualTo(75);
      assertThat(j.path("errors").path("5xx").asLong()).isEqualTo(25);
      assertThat(j.path("first_chunk_ms").path("count").asLong()).isEqualTo(75);
      assertThat(j.path("tokens").path("output").asLong()).isEqualTo(75 * 5);
      assertThat(j.path("tokens").path("responses_without_usage").asLong()).isZero();
    }
  }

  @Test
  void mixedScenarioOverEveryApiShape() throws Exception {
    try (FakeLlmServer server = FakeLlmMain.launch("--zero-latency")) {
      for (String stream : new String[] {"--no-stream", "--stream"}) {
        Run r =
            run(
                "--url",
                "http://127.0.0.1:" + server.port(),
                "--scenario",
                "mixed",
                stream,
                "--requests",
                "50",
                "--concurrency",
                "5",
                "--price-input",
                "1",
                "--price-output",
                "2");
        JsonNode j = r.report;
        assertThat(j.path("requests").path("ok").asLong()).as(r.out).isEqualTo(50);
        if (stream.equals("--stream")) {
          assertThat(j.path("first_chunk_ms").path("count").asLong()).isEqualTo(50);
          // Streaming workflows report the split per LLM node, so every request is priced.
          assertThat(j.path("unpriced_tokens").asLong()).isZero();
        } else {
          // 10 of 50 are blocking workflows: a total only.
          assertThat(j.path("unpriced_tokens").asLong()).isPositive();
        }
      }
      JsonNode served = serverStats(server);
      assertThat(served.path("byRoute").path("/v1/chat/completions").asLong()).isEqualTo(40);
      assertThat(served.path("byRoute").path("/v1/messages").asLong()).isEqualTo(20);
      assertThat(served.path("byRoute").path("/v1/chat-messages").asLong()).isEqualTo(20);
      assertThat(served.path("byRoute").path("/v1/workflows/run").asLong()).isEqualTo(20);
    }
  }

  @Test
  void openLoopSendsOnScheduleAndMeasuresFromIt() throws Exception {
    try (FakeLlmServer server = FakeLlmMain.launch("--zero-latency")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port(),
              "--rate",
              "400",
              "--requests",
              "100",
              "--concurrency",
              "8");
      JsonNode j = r.report;
      assertThat(j.path("mode").asText()).isEqualTo("open");
      assertThat(j.path("requests").path("ok").asLong()).as(r.out).isEqualTo(100);
      assertThat(j.path("service_ms").path("count").asLong()).isEqualTo(100);
      // Latency from the scheduled start includes the service time: never less.
      assertThat(j.path("latency_ms").path("max").asDouble())
          .isGreaterThanOrEqualTo(j.path("service_ms").path("max").asDouble());
      assertThat(r.out).contains("from scheduled start");
    }
  }

  @Test
  void connectionResetsAndRefusalsAreConnectionErrors() throws Exception {
    try (FakeLlmServer server =
        FakeLlmMain.launch("--zero-latency", "--outage", "true", "--outage-mode", "reset")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port(),
              "--requests",
              "30",
              "--concurrency",
              "2");
      assertThat(r.report.path("errors").path("connection").asLong()).isEqualTo(30);
      assertThat(r.code).as("nothing succeeded").isEqualTo(1);
    }
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Run refused =
        run("--url", "http://127.0.0.1:" + closedPort, "--requests", "10", "--concurrency", "2");
    assertThat(refused.report.path("errors").path("connection").asLong()).isEqualTo(10);
  }

  @Test
  void timeoutsAreCountedAsTimeouts() throws Exception {
    try (FakeLlmServer server =
        FakeLlmMain.launch("--zero-latency", "--outage", "true", "--outage-mode", "hang")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port(),
              "--requests",
              "4",
              "--concurrency",
              "2",
              "--timeout",
              "200ms");
      assertThat(r.report.path("errors").path("timeout").asLong()).isEqualTo(4);
    }
  }

  @Test
  void theJdkClientGivesTheSameCounts() throws Exception {
    try (FakeLlmServer server = FakeLlmMain.launch("--zero-latency", "--rate-429", "0.2")) {
      Run r =
          run(
              "--url",
              "http://127.0.0.1:" + server.port(),
              "--client",
              "jdk",
              "--scenario",
              "anthropic",
              "--stream",
              "--requests",
              "50",
              "--concurrency",
              "2");
      JsonNode j = r.report;
      assertThat(j.path("requests").path("total").asLong()).isEqualTo(50);
      assertThat(j.path("errors").path("429").asLong()).isEqualTo(10);
      assertThat(j.path("first_chunk_ms").path("count").asLong()).isEqualTo(40);
      JsonNode served = serverStats(server);
      assertThat(j.path("tokens").path("input").asLong())
          .isEqualTo(served.path("promptTokens").asLong());
    }
  }

  @Test
  void badArgumentsExitWithTwo() throws Exception {
    assertThat(run("--concurrency", "x").code).isEqualTo(2);
  }
}
