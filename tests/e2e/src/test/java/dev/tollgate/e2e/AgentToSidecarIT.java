package dev.tollgate.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A service under the real agent jar makes a known mix of calls; the real sidecar jar receives
 * the agent's OTLP and its API must report exactly those calls, tokens and errors, also after a
 * restart on the same data directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentToSidecarIT {
  static final int BLOCKING = 7;
  static final int STREAMED = 4;
  static final int LIMITED = 3;

  static final String OPENAI =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30,\"total_tokens\":150,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":100},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";
  static final String ANTHROPIC_STREAM =
      "event: message_start\n"
          + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"usage\":{\"input_tokens\":40,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n"
          + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
          + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
          + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi there\"}}\n\n"
          + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
          + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n"
          + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  static final String RATE_LIMITED =
      "{\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";

  private final ObjectMapper json = new ObjectMapper();
  private WireMockServer llm;
  private Path dataDir;
  private JsonNode before;

  @BeforeAll
  void runServiceUnderAgent() throws Exception {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    llm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(OPENAI)));
    llm.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(ANTHROPIC_STREAM).withChunkedDribbleDelay(4, 100)));
    llm.stubFor(post(urlEqualTo("/limited/v1/chat/completions")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json").withBody(RATE_LIMITED)));
    dataDir = Files.createTempDirectory("sidecar-data");
    try (Processes.Sidecar sidecar = new Processes.Sidecar(dataDir)) {
      Processes.Result app =
          Processes.runWithAgent(
              List.of("-Dotel.service.name=checkout", "-Dtollgate.exporter.endpoint=" + sidecar.base()),
              "dev.tollgate.e2e.app.ChatApp",
              List.of(llm.baseUrl(), Integer.toString(BLOCKING), Integer.toString(STREAMED), Integer.toString(LIMITED), Integer.toString(Processes.freePort())));
      assertThat(app.exit()).as(app.stderr()).isZero();
      assertThat(app.stdout().lines().filter(l -> l.equals("200")).count()).isEqualTo(BLOCKING + STREAMED);
      // The agent flushes at JVM exit: what the sidecar acknowledged is in memory now.
      before = json.readTree(sidecar.get("/api/v1/summary?window=15m&service=checkout"));
    }
  }

  @AfterAll
  void stop() {
    if (llm != null) {
      llm.stop();
    }
  }

  @Test
  void summaryCountsExactlyWhatTheServiceDid() {
    int calls = BLOCKING + STREAMED + LIMITED + 1;
    assertThat(before.get("calls").asLong()).isEqualTo(calls);
    assertThat(before.get("errors").asLong()).isEqualTo(LIMITED + 1);
    assertThat(before.get("errors_by_type").get("429").asLong()).isEqualTo(LIMITED);
    assertThat(before.get("errors_by_type").get("connect_error").asLong()).isEqualTo(1);
    assertThat(before.get("rate_limited").asLong()).isEqualTo(LIMITED);
    JsonNode tokens = before.get("tokens");
    assertThat(tokens.get("input").asLong()).isEqualTo(BLOCKING * 120L + STREAMED * 40L);
    assertThat(tokens.get("output").asLong()).isEqualTo(BLOCKING * 30L + STREAMED * 15L);
    assertThat(tokens.get("cache_read").asLong()).isEqualTo(BLOCKING * 100L);
    assertThat(before.get("ttft_ms").get("p50").isNumber()).as("streamed calls have a first chunk").isTrue();
    assertThat(before.get("latency_ms").get("max").asDouble()).isPositive();
  }

  @Test
  void breakdownByProviderSplitsTheCalls() throws Exception {
    try (Processes.Sidecar sidecar = new Processes.Sidecar(dataDir)) {
      JsonNode rows = json.readTree(sidecar.get("/api/v1/breakdown?by=provider&window=1h&service=checkout")).get("rows");
      long anthropic = 0;
      long compat = 0;
      for (JsonNode r : rows) {
        String group = r.path("group").asText(r.path("provider").asText());
        if (group.equals("anthropic")) {
          anthropic = r.get("calls").asLong();
        } else if (group.equals("openai-compatible")) {
          compat = r.get("calls").asLong();
        }
      }
      assertThat(anthropic).isEqualTo(STREAMED);
      assertThat(compat).isEqualTo(BLOCKING + LIMITED + 1);
    }
  }

  @Test
  void aRestartedSidecarHasTheSameHistory() throws Exception {
    try (Processes.Sidecar sidecar = new Processes.Sidecar(dataDir)) {
      JsonNode after = json.readTree(sidecar.get("/api/v1/summary?window=15m&service=checkout"));
      assertThat(after.get("calls")).isEqualTo(before.get("calls"));
      assertThat(after.get("errors")).isEqualTo(before.get("errors"));
      assertThat(after.get("tokens")).isEqualTo(before.get("tokens"));
      assertThat(after.get("errors_by_type")).isEqualTo(before.get("errors_by_type"));
      assertThat(after.get("latency_ms").get("p95").asDouble()).isCloseTo(before.get("latency_ms").get("p95").asDouble(), org.assertj.core.data.Percentage.withPercentage(1));
    }
  }
}
