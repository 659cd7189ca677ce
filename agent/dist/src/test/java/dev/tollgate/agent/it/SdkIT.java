package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.not;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official SDKs, which no one here wrote, under the real agent jar: openai-java and
 * anthropic-java (both on OkHttp) and LangChain4j's OpenAI model (on the JDK client), against
 * WireMock playing the providers with their documented payloads. Checks what each SDK parsed (the
 * agent changed no byte), and that the recorded tokens, models and time to first chunk match; and
 * that the SDKs' own retries ({@code x-stainless-retry-count}) are attempts 1 and 2 of one call.
 * The run has the opt-in {@code tollgate.openai.include_usage} on: an openai-java stream that did
 * not ask for usage is metered, and the SDK still parses the stream it would have got unasked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkIT {
  static final String[] SDK_JARS = {
    "openai-java",
    "anthropic-java",
    "langchain4j",
    "okhttp-jvm",
    "logging-interceptor",
    "okio",
    "kotlin-stdlib",
    "kotlin-reflect",
    "annotations-13",
    "jackson-",
    "error_prone",
    "swagger-annotations",
    "jsonschema-",
    "classmate",
    "standardwebhooks",
    "opentelemetry-api-1",
    "opentelemetry-context-1",
    "opentelemetry-common-1",
    "jtokkit",
    "jspecify",
    "slf4j-api"
  };
  static final List<String> OPS =
      List.of(
          "openai-chat",
          "openai-chat-stream",
          "openai-responses",
          "openai-responses-stream",
          "openai-retry",
          "anthropic-message",
          "anthropic-stream",
          "anthropic-retry",
          "langchain4j-chat",
          "openai-chat-stream-unasked");

  private WireMockServer llm;
  private OtlpSink otlp;
  private AgentProcess.Result result;
  private List<OtlpSink.ExportedSpan> spans;

  @BeforeAll
  void run() throws Exception {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    otlp = new OtlpSink();
    stub(
        "/openai/v1/chat/completions", false, "application/json", "contract/openai_chat.resp.json");
    stub("/openai/v1/chat/completions", true, "text/event-stream", "contract/openai_stream.sse");
    stub("/openai/v1/responses", false, "application/json", "sdk/responses.resp.json");
    stub("/openai/v1/responses", true, "text/event-stream", "contract/responses_stream.sse");
    stub("/anthropic/v1/messages", false, "application/json", "contract/anthropic.resp.json");
    stub("/anthropic/v1/messages", true, "text/event-stream", "contract/anthropic_stream.sse");
    stub("/lc4j/v1/chat/completions", false, "application/json", "contract/openai_chat.resp.json");
    // The opt-in include_usage is on for this whole run: the calls above must not notice it. This
    // server sends usage only when asked, as OpenAI does.
    llm.stubFor(
        post(urlEqualTo("/openai-iu/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.stream_options[?(@.include_usage == true)]"))
            .willReturn(sse("contract/openai_stream.sse")));
    llm.stubFor(
        post(urlEqualTo("/openai-iu/v1/chat/completions"))
            .atPriority(2)
            .willReturn(sse("include_usage/openai_sdk-without.sse")));
    failOnce(
        "/openai-retry/v1/chat/completions",
        429,
        "contract/openai_429.resp.json",
        "contract/openai_chat.resp.json");
    failOnce(
        "/anthropic-retry/v1/messages",
        529,
        "sdk/anthropic_529.resp.json",
        "contract/anthropic.resp.json");

    String base = "http://127.0.0.1:" + llm.port();
    Path config = Files.createTempFile("tollgate-sdk", ".yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "service_name: sdk-app",
            "endpoints:",
            "  - {name: openai-main, url: \"" + base + "/openai/v1\", provider: openai}",
            "  - {name: openai-retry, url: \"" + base + "/openai-retry/v1\", provider: openai}",
            "  - {name: claude, url: \"" + base + "/anthropic\", provider: anthropic}",
            "  - {name: claude-retry, url: \"" + base + "/anthropic-retry\", provider: anthropic}",
            "  - {name: lc4j, url: \"" + base + "/lc4j/v1\", provider: openai}",
            "  - {name: openai-iu, url: \"" + base + "/openai-iu/v1\", provider: openai}",
            ""));
    List<String> args = new java.util.ArrayList<>();
    args.add(base);
    args.addAll(OPS);
    result =
        AgentProcess.run(
            true,
            List.of(
                "-Dtollgate.config=" + config,
                "-Dtollgate.exporter.endpoint=" + otlp.endpoint(),
                "-Dtollgate.openai.include_usage=true"),
            AgentProcess.classPath(SDK_JARS),
            "dev.tollgate.agent.it.app.SdkApp",
            args);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    spans = otlp.spans();
  }

  @AfterAll
  void stop() {
    llm.stop();
    otlp.close();
  }

  private void stub(String path, boolean stream, String type, String fixture) throws IOException {
    MappingBuilder m =
        post(urlEqualTo(path))
            .withRequestBody(
                stream
                    ? matchingJsonPath("$[?(@.stream == true)]")
                    : not(matchingJsonPath("$[?(@.stream == true)]")));
    var resp =
        aResponse().withStatus(200).withHeader("Content-Type", type).withBody(bytes(fixture));
    if (stream) {
      resp.withChunkedDribbleDelay(6, 300);
    }
    llm.stubFor(m.willReturn(resp));
  }

  private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String fixture)
      throws IOException {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody(bytes(fixture))
        .withChunkedDribbleDelay(6, 300);
  }

  /** The first attempt fails with the status, the SDK retries (after retry-after-ms), then 200. */
  private void failOnce(String path, int status, String errorFixture, String okFixture)
      throws IOException {
    String name = "retry " + path;
    llm.stubFor(
        post(urlEqualTo(path))
            .inScenario(name)
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("retry-after-ms", "20")
                    .withBody(bytes(errorFixture)))
            .willSetStateTo("failed once"));
    llm.stubFor(
        post(urlEqualTo(path))
            .inScenario(name)
            .whenScenarioStateIs("failed once")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(bytes(okFixture))));
  }

  private static byte[] bytes(String resource) throws IOException {
    try (InputStream in = SdkIT.class.getResourceAsStream("/" + resource)) {
      return in.readAllBytes();
    }
  }

  private String line(String op) {
    return result.stdout().lines().filter(l -> l.startsWith(op + " ")).findFirst().orElse("");
  }

  @Test
  void theSdksParsedTheProvidersBytesUnchanged() {
    assertThat(line("openai-chat"))
        .isEqualTo("openai-chat model=gpt-4o-mini-2024-07-18 in=19 out=10");
    assertThat(line("openai-chat-stream"))
        .isEqualTo(
            "openai-chat-stream model=gpt-4o-2024-08-06 chunks=5 in=1200 out=50"
                + " text=The contract is a lease — 12 months, renewable.");
    assertThat(line("openai-responses"))
        .isEqualTo("openai-responses model=gpt-4.1-2025-04-14 in=36 out=87");
    assertThat(line("openai-responses-stream")).endsWith("in=37 out=11");
    assertThat(line("openai-retry"))
        .isEqualTo("openai-retry model=gpt-4o-mini-2024-07-18 in=19 out=10");
    assertThat(line("anthropic-message"))
        .isEqualTo("anthropic-message model=claude-sonnet-4-5-20250929 in=50 out=300");
    assertThat(line("anthropic-stream")).endsWith("out=180");
    assertThat(line("anthropic-retry"))
        .isEqualTo("anthropic-retry model=claude-sonnet-4-5-20250929 in=50 out=300");
    assertThat(line("langchain4j-chat"))
        .isEqualTo("langchain4j-chat Hello! How can I assist you today?");
    // The provider's stream minus what the agent's include_usage added: the SDK saw four chunks
    // and no usage, as when the provider is not asked.
    assertThat(line("openai-chat-stream-unasked"))
        .isEqualTo(
            "openai-chat-stream-unasked model=gpt-4o-2024-08-06 chunks=4 usage=none"
                + " text=The contract is a lease — 12 months, renewable.");
    assertThat(result.stdout()).doesNotContain("failed");
  }

  @Test
  void everyCallIsOneSpanAndRetriesAreAttempts() {
    // Ten operations; the two retried ones made two calls each.
    assertThat(spans).hasSize(12);
    assertThat(spans).allSatisfy(s -> assertThat(s.service()).isEqualTo("sdk-app"));
    assertThat(spans).allSatisfy(s -> assertThat(s.scope()).isEqualTo(Tollgate.SCOPE));
    llm.verify(2, postRequestedFor(urlEqualTo("/openai-retry/v1/chat/completions")));
    llm.verify(
        postRequestedFor(urlEqualTo("/openai-retry/v1/chat/completions"))
            .withHeader("x-stainless-retry-count", equalTo("1")));
  }

  @Test
  void openAiChat() {
    OtlpSink.ExportedSpan s = spans.get(0);
    assertCall(s, "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 19L, 10L, "okhttp");
    assertThat(s.get(Tollgate.ENDPOINT_NAME)).isEqualTo("openai-main");
    assertThat(s.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
    assertThat(s.get(Tollgate.ATTEMPT)).isEqualTo(1L);
  }

  @Test
  void openAiChatStream() {
    OtlpSink.ExportedSpan s = spans.get(1);
    assertCall(s, "openai", "gpt-4o", "gpt-4o-2024-08-06", 1200L, 50L, "okhttp");
    assertThat(s.get(GenAi.USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1024L);
    assertThat(s.get(GenAi.REQUEST_STREAM)).isEqualTo(true);
    assertFirstChunkBeforeEnd(s);
  }

  @Test
  void openAiResponses() {
    assertCall(spans.get(2), "openai", "gpt-4.1", "gpt-4.1-2025-04-14", 36L, 87L, "okhttp");
    OtlpSink.ExportedSpan s = spans.get(3);
    assertCall(s, "openai", "gpt-4.1", "gpt-4.1-2025-04-14", 37L, 11L, "okhttp");
    assertThat(s.get(GenAi.REQUEST_STREAM)).isEqualTo(true);
    assertFirstChunkBeforeEnd(s);
  }

  @Test
  void openAiRetryIsTwoAttemptsOfOneCall() {
    OtlpSink.ExportedSpan first = spans.get(4);
    OtlpSink.ExportedSpan second = spans.get(5);
    assertThat(first.get(Tollgate.ENDPOINT_NAME)).isEqualTo("openai-retry");
    assertThat(first.get(Tollgate.ATTEMPT)).isEqualTo(1L);
    assertThat(first.get(GenAi.ERROR_TYPE)).isEqualTo("429");
    assertThat(first.get(GenAi.USAGE_INPUT_TOKENS)).isNull();
    assertThat(second.get(Tollgate.ENDPOINT_NAME)).isEqualTo("openai-retry");
    assertThat(second.get(Tollgate.ATTEMPT)).isEqualTo(2L);
    assertCall(second, "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 19L, 10L, "okhttp");
  }

  @Test
  void anthropic() {
    OtlpSink.ExportedSpan s = spans.get(6);
    // input_tokens excludes the cache; the conventions' input includes it: 50 + 1000 + 200.
    assertCall(
        s, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", 1250L, 300L, "okhttp");
    assertThat(s.get(GenAi.USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(s.get(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS)).isEqualTo(200L);
    OtlpSink.ExportedSpan stream = spans.get(7);
    assertCall(
        stream,
        "anthropic",
        "claude-sonnet-4-5",
        "claude-sonnet-4-5-20250929",
        25L,
        180L,
        "okhttp");
    assertFirstChunkBeforeEnd(stream);
  }

  @Test
  void anthropicRetryIsTwoAttemptsOfOneCall() {
    OtlpSink.ExportedSpan first = spans.get(8);
    OtlpSink.ExportedSpan second = spans.get(9);
    assertThat(first.get(Tollgate.ATTEMPT)).isEqualTo(1L);
    assertThat(first.get(GenAi.ERROR_TYPE)).isEqualTo("529");
    assertThat(second.get(Tollgate.ATTEMPT)).isEqualTo(2L);
    assertThat(second.get(Tollgate.ENDPOINT_NAME)).isEqualTo("claude-retry");
    assertCall(
        second,
        "anthropic",
        "claude-sonnet-4-5",
        "claude-sonnet-4-5-20250929",
        1250L,
        300L,
        "okhttp");
  }

  @Test
  void langChain4jOnTheJdkClient() {
    OtlpSink.ExportedSpan s = spans.get(10);
    assertCall(s, "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 19L, 10L, "jdk-httpclient");
    assertThat(s.get(Tollgate.ENDPOINT_NAME)).isEqualTo("lc4j");
  }

  @Test
  void openAiStreamWithoutIncludeUsageIsMeteredByTheOptIn() {
    OtlpSink.ExportedSpan s = spans.get(11);
    assertCall(s, "openai", "gpt-4o", "gpt-4o-2024-08-06", 1200L, 50L, "okhttp");
    assertThat(s.get(Tollgate.USAGE_INJECTED)).isEqualTo(true);
    assertThat(s.get(Tollgate.UNMETERED)).isNull();
    assertFirstChunkBeforeEnd(s);
    llm.verify(
        postRequestedFor(urlEqualTo("/openai-iu/v1/chat/completions"))
            .withRequestBody(matchingJsonPath("$.stream_options[?(@.include_usage == true)]")));
    // The calls that asked themselves, or are not chat streams, went as the SDK wrote them.
    assertThat(spans.subList(0, 11))
        .allSatisfy(span -> assertThat(span.get(Tollgate.USAGE_INJECTED)).isNull());
  }

  @Test
  void noSecretLeavesTheProcess() {
    assertThat(otlp.allPayloadText())
        .doesNotContain("sk-sdk-test")
        .doesNotContain("sk-ant-sdk-test")
        .doesNotContain("sk-lc4j-test");
  }

  private static void assertCall(
      OtlpSink.ExportedSpan s,
      String provider,
      String requestModel,
      String responseModel,
      Long input,
      Long output,
      String client) {
    assertThat(s.get(GenAi.PROVIDER_NAME)).as("provider").isEqualTo(provider);
    assertThat(s.get(GenAi.OPERATION_NAME)).isEqualTo("chat");
    assertThat(s.get(GenAi.REQUEST_MODEL)).as("request model").isEqualTo(requestModel);
    assertThat(s.get(GenAi.RESPONSE_MODEL)).as("response model").isEqualTo(responseModel);
    assertThat(s.get(GenAi.USAGE_INPUT_TOKENS)).as("input tokens").isEqualTo(input);
    assertThat(s.get(GenAi.USAGE_OUTPUT_TOKENS)).as("output tokens").isEqualTo(output);
    assertThat(s.get(GenAi.ERROR_TYPE)).as("error").isNull();
    assertThat(s.get(Tollgate.CLIENT)).isEqualTo(client);
  }

  private static void assertFirstChunkBeforeEnd(OtlpSink.ExportedSpan s) {
    long duration = s.span().getEndTimeUnixNano() - s.span().getStartTimeUnixNano();
    assertThat(s.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK)).isInstanceOf(Double.class);
    // The body is dribbled over 300 ms: the first chunk comes well before the end.
    assertThat((Double) s.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK))
        .isPositive()
        .isLessThan(duration / 1e9);
  }
}
