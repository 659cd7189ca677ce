package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The opt-in {@code tollgate.openai.include_usage} end to end, through the real agent jar: WireMock
 * plays providers that send usage only when the request asks for it (as OpenAI-compatible servers
 * do), so with the option on the provider must have received {@code include_usage}, the
 * application must have read exactly the stream the same server sends when not asked, and the span
 * must carry the tokens. With the option off nothing changes: the request goes as written and the
 * stream is unmetered. The clients that carry it: the JDK client (send and sendAsync), OkHttp (5
 * and 3.14, execute and enqueue), Apache HttpClient 5 classic and 4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncludeUsageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AZURE = "/azure/openai/deployments/gpt-4o/chat/completions";

  /**
   * One call of the plan: what the provider answers asked and unasked, whether the option rewrites
   * it, and the tokens when the stream the application's call gets carries them.
   */
  record Case(
      String name,
      String path,
      String request,
      String provider,
      String asked,
      String unasked,
      boolean rewrites,
      boolean meteredAnyway,
      Long input,
      Long output) {}

  static final List<Case> CASES =
      List.of(
          new Case("openai", "/openai/v1/chat/completions", "openai.req.json", "openai",
              "openai-with.sse", "openai-without.sse", true, false, 19L, 10L),
          new Case("azure 2024-10-21", AZURE + "?api-version=2024-10-21", "azure.req.json",
              "azure.ai.openai", "azure-with.sse", "azure-without.sse", true, false, 14L, 3L),
          // Older Azure API versions refuse stream_options with a 400: never rewritten.
          new Case("azure 2024-06-01", AZURE + "?api-version=2024-06-01", "azure.req.json",
              "azure.ai.openai", "azure-with.sse", "azure-without.sse", false, false, 14L, 3L),
          // DeepSeek reports usage on its last content chunk, asked or not.
          new Case("deepseek", "/deepseek/chat/completions", "deepseek.req.json", "deepseek",
              "deepseek-with.sse", "deepseek-without.sse", true, true, 11L, 9L),
          // vLLM recognized by path shape; its own stream_options keep their member.
          new Case("vllm", "/v1/chat/completions", "vllm.req.json", "openai-compatible",
              "vllm-with.sse", "vllm-without.sse", true, false, 12L, 3L),
          new Case("ollama /v1", "/ollama/v1/chat/completions", "ollama-v1.req.json", "ollama",
              "ollama-v1-with.sse", "ollama-v1-without.sse", true, false, 26L, 3L),
          // The application asked itself: left alone, and it reads the usage chunk it asked for.
          new Case("openai, asked by the application", "/openai/v1/chat/completions",
              "openai-asked.req.json", "openai", "openai-with.sse", "openai-with.sse", false, true,
              19L, 10L),
          // Not a stream: not rewritten.
          new Case("openai, blocking", "/openai/v1/chat/completions", "openai-blocking.req.json",
              "openai", "contract/openai_chat.resp.json", "contract/openai_chat.resp.json", false,
              true, 19L, 10L));

  /** One application JVM: a client, with the option on or off. */
  record Run(String client, String classPath, boolean on) {
    String label() {
      String okhttp3 = classPath != null && client.startsWith("okhttp") ? " (OkHttp 3.14)" : "";
      return client + okhttp3 + (on ? ", option on" : ", option off");
    }
  }

  private WireMockServer llm;
  private final List<Run> runs = new ArrayList<>();
  private final List<Result> results = new ArrayList<>();

  record Result(
      Run run,
      Path out,
      List<String> statusLines,
      List<OtlpSink.ExportedSpan> spans,
      List<List<LoggedRequest>> received,
      String stderr) {}

  @BeforeAll
  void runApplications() throws Exception {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      String id = Integer.toString(i);
      // Asked for usage: the usage-carrying stream. Anything else: the stream without it.
      llm.stubFor(
          post(urlEqualTo(c.path()))
              .atPriority(1)
              .withHeader("X-Case", equalTo(id))
              .withRequestBody(matchingJsonPath("$.stream_options[?(@.include_usage == true)]"))
              .willReturn(body(c.asked())));
      llm.stubFor(
          post(urlEqualTo(c.path()))
              .atPriority(2)
              .withHeader("X-Case", equalTo(id))
              .willReturn(body(c.unasked())));
    }
    String okhttp3 = AgentProcess.classPath() + File.pathSeparator + Libs.dir("okhttp3-libs");
    String apache =
        AgentProcess.classPath(
            "httpclient5", "httpcore5", "slf4j-api", "httpclient-4", "httpcore-4", "commons-logging",
            "commons-codec");
    runs.add(new Run("jdk-httpclient", null, true));
    runs.add(new Run("jdk-httpclient-async", null, true));
    runs.add(new Run("okhttp", null, true));
    runs.add(new Run("okhttp-async", null, true));
    runs.add(new Run("okhttp", okhttp3, true));
    runs.add(new Run("apache-httpclient-5", apache, true));
    runs.add(new Run("apache-httpclient-4", apache, true));
    runs.add(new Run("jdk-httpclient", null, false));
    runs.add(new Run("okhttp", null, false));
    for (Run r : runs) {
      results.add(run(r));
    }
  }

  private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder body(String fixture)
      throws IOException {
    boolean sse = fixture.endsWith(".sse");
    var b =
        aResponse()
            .withStatus(200)
            .withHeader("Content-Type", sse ? "text/event-stream; charset=utf-8" : "application/json")
            .withBody(bytes(fixture));
    if (sse) {
      // Chunk boundaries fall inside events, lines and multibyte characters.
      b.withChunkedDribbleDelay(7, 200);
    }
    return b;
  }

  private Result run(Run r) throws Exception {
    llm.resetRequests();
    try (OtlpSink otlp = new OtlpSink()) {
      Path out = Files.createTempDirectory("include-usage");
      List<String> plan = new ArrayList<>();
      String base = "http://127.0.0.1:" + llm.port();
      for (int i = 0; i < CASES.size(); i++) {
        Case c = CASES.get(i);
        plan.add(
            String.join(
                "\t",
                base + c.path(),
                "ALL",
                "5000",
                resource(c.request()).toString(),
                "X-Case:" + i + "|Content-Type:application/json|Authorization:Bearer sk-iu-secret"));
      }
      Path planFile = out.resolve("plan.tsv");
      Files.write(planFile, plan);
      Path config = out.resolve("tollgate.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "service_name: include-usage-app",
              "endpoints:",
              "  - {name: openai-main, url: \"" + base + "/openai/v1\", provider: openai}",
              "  - {name: azure-east, url: \"" + base + "/azure\", provider: azure-openai}",
              "  - {name: deepseek, url: \"" + base + "/deepseek\", provider: deepseek}",
              "  - {name: ollama, url: \"" + base + "/ollama\", provider: ollama}",
              ""));
      List<String> jvm = new ArrayList<>();
      jvm.add("-Dtollgate.config=" + config);
      jvm.add("-Dtollgate.exporter.endpoint=" + otlp.endpoint());
      jvm.add("-Dtollgate.metrics.interval=60s");
      if (r.on()) {
        jvm.add("-Dtollgate.openai.include_usage=true");
      }
      AgentProcess.Result result =
          AgentProcess.run(
              true,
              jvm,
              r.classPath() != null
                  ? r.classPath()
                  : AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib"),
              "dev.tollgate.agent.it.app.ContractApp",
              List.of(r.client(), planFile.toString(), out.toString()));
      assertThat(result.exitCode()).as("%s: application exit; stderr:\n%s", r.label(), result.stderr()).isZero();
      List<List<LoggedRequest>> received = new ArrayList<>();
      for (int i = 0; i < CASES.size(); i++) {
        received.add(llm.findAll(postRequestedFor(anyUrl()).withHeader("X-Case", equalTo(Integer.toString(i)))));
      }
      return new Result(
          r,
          out,
          Files.readAllLines(out.resolve("results.tsv")),
          otlp.spans(),
          received,
          result.stderr());
    }
  }

  @AfterAll
  void stop() {
    if (llm != null) {
      llm.stop();
    }
  }

  @TestFactory
  Stream<DynamicNode> eachClientEachCase() {
    List<DynamicNode> nodes = new ArrayList<>();
    for (Result r : results) {
      List<DynamicNode> tests = new ArrayList<>();
      tests.add(
          DynamicTest.dynamicTest(
              "one span per call",
              () -> assertThat(r.spans()).as(r.stderr()).hasSize(CASES.size())));
      for (int i = 0; i < CASES.size(); i++) {
        int index = i;
        tests.add(DynamicTest.dynamicTest(CASES.get(i).name(), () -> check(r, index)));
      }
      nodes.add(DynamicContainer.dynamicContainer(r.run().label(), tests));
    }
    return nodes.stream();
  }

  private void check(Result r, int index) throws Exception {
    Case c = CASES.get(index);
    boolean rewritten = r.run().on() && c.rewrites();
    String[] status = r.statusLines().get(index).split("\t", -1);
    assertThat(status[1]).as("status; error: %s", status.length > 2 ? status[2] : "").isEqualTo("200");

    // What the provider received.
    assertThat(r.received().get(index)).as("requests the provider received").hasSize(1);
    byte[] sent = r.received().get(index).get(0).getBody();
    byte[] written = Files.readAllBytes(resource(c.request()));
    if (rewritten) {
      ObjectNode expected = (ObjectNode) JSON.readTree(written);
      JsonNode options = expected.get("stream_options");
      (options == null ? expected.putObject("stream_options") : (ObjectNode) options)
          .put("include_usage", true);
      assertThat(JSON.readTree(sent)).as("the application's body plus include_usage").isEqualTo(expected);
    } else {
      assertThat(sent).as("the request went as the application wrote it").isEqualTo(written);
    }

    // What the application read: the stream the provider sends when not asked, byte for byte.
    byte[] read = Files.readAllBytes(r.out().resolve(index + ".body"));
    assertThat(read).as("the bytes the application read").isEqualTo(bytes(c.unasked()));

    // What was recorded.
    OtlpSink.ExportedSpan span = r.spans().get(index);
    assertThat(span.get(GenAi.PROVIDER_NAME)).isEqualTo(c.provider());
    assertThat(span.get(GenAi.ERROR_TYPE)).isNull();
    boolean metered = rewritten || c.meteredAnyway();
    assertThat(span.get(GenAi.USAGE_INPUT_TOKENS)).as("input tokens").isEqualTo(metered ? c.input() : null);
    assertThat(span.get(GenAi.USAGE_OUTPUT_TOKENS)).as("output tokens").isEqualTo(metered ? c.output() : null);
    assertThat(span.get(Tollgate.UNMETERED)).as("unmetered").isEqualTo(metered ? null : Boolean.TRUE);
    assertThat(span.get(Tollgate.USAGE_INJECTED)).as("usage injected").isEqualTo(rewritten ? Boolean.TRUE : null);
  }

  private static byte[] bytes(String name) throws IOException {
    String path = name.contains("/") ? "/" + name : "/include_usage/" + name;
    try (InputStream in = IncludeUsageIT.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return in.readAllBytes();
    }
  }

  private static Path resource(String name) throws Exception {
    return Path.of(IncludeUsageIT.class.getResource("/include_usage/" + name).toURI());
  }
}
