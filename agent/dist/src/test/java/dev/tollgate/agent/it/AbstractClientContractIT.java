package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The shared contract every HTTP client passes: all {@link ContractScenarios} run through one
 * application JVM with the real shaded agent jar attached, against WireMock playing the providers
 * and an OTLP receiver. A client's own test only names its adapter (see {@code ContractApp}).
 *
 * <p>Checked per scenario: the application received exactly the fixture's bytes; exactly one span
 * per LLM call (none for other calls) with the GenAI attributes, tokens (absent when the provider
 * did not report them), error type, time to first chunk; and the GenAI metrics add up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractClientContractIT {
  private List<Scenario> scenarios;
  private WireMockServer llm;
  private OtlpSink otlp;
  private Path out;
  private AgentProcess.Result result;
  private final Map<Integer, OtlpSink.ExportedSpan> spanByScenario = new HashMap<>();
  private List<String> statusLines;

  /** The adapter name understood by {@code ContractApp}. */
  abstract String client();

  /** Jar name fragments the client needs on the application's class path. */
  String[] clientJars() {
    return new String[0];
  }

  /** The scenarios to run: the shared contract unless a test adds its own list. */
  List<Scenario> scenarioList() {
    return ContractScenarios.all();
  }

  /** The application's class path: the test classes plus {@link #clientJars()}. */
  String applicationClassPath() {
    return AgentProcess.classPath(clientJars());
  }

  /**
   * True for clients that ask for gzip themselves and hand the application the decoded body
   * (OkHttp, Apache HttpClient): the application then sees the fixture decompressed.
   */
  boolean decodesContentEncoding() {
    return false;
  }

  @BeforeAll
  void runApplication() throws Exception {
    scenarios = scenarioList();
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    otlp = new OtlpSink();
    int refusedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      refusedPort = s.getLocalPort();
    }
    out = Files.createTempDirectory("contract-" + client());
    Path plan = out.resolve("plan.tsv");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario s = scenarios.get(i);
      int port = s.refusedConnection ? refusedPort : llm.port();
      String caseHeader = "X-Contract-Case:" + i;
      StringBuilder headers = new StringBuilder(caseHeader);
      headers.append("|Content-Type:application/json|Authorization:Bearer sk-contract-secret-do-not-export");
      s.requestHeaders.forEach((k, v) -> headers.append('|').append(k).append(':').append(v));
      Path req = resource(s.requestFile);
      lines.add(
          String.join(
              "\t",
              "http://127.0.0.1:" + port + s.path,
              s.read,
              Integer.toString(s.timeoutMillis),
              req.toString(),
              headers.toString()));
      if (!s.refusedConnection) {
        ResponseDefinitionBuilder resp =
            aResponse()
                .withStatus(s.status)
                .withHeader("Content-Type", s.contentType)
                .withBody(Files.readAllBytes(resource(s.bodyFile)));
        s.responseHeaders.forEach(resp::withHeader);
        if (s.dribbleChunks > 0) {
          resp.withChunkedDribbleDelay(s.dribbleChunks, 300);
        }
        if (s.delayMillis > 0) {
          resp.withFixedDelay(s.delayMillis);
        }
        llm.stubFor(
            post(urlEqualTo(s.path))
                .withHeader("X-Contract-Case", equalTo(Integer.toString(i)))
                .willReturn(resp));
      }
    }
    Files.write(plan, lines);
    Path config = out.resolve("tollgate.yaml");
    String base = "http://127.0.0.1:" + llm.port();
    Files.writeString(
        config,
        String.join(
            "\n",
            "service_name: contract-app",
            "endpoints:",
            "  - {name: openai-main, url: \"" + base + "/openai/v1\", provider: openai}",
            "  - {name: claude, url: \"" + base + "/anthropic/v1\", provider: anthropic}",
            "  - {name: dify-support, url: \"" + base + "/dify/v1\", provider: dify}",
            "  - {name: azure-east, url: \"" + base + "/azure\", provider: azure-openai}",
            "  - {name: deepseek, url: \"" + base + "/deepseek\", provider: deepseek}",
            ""));
    result =
        AgentProcess.run(
            true,
            List.of(
                "-Dtollgate.config=" + config,
                "-Dtollgate.exporter.endpoint=" + otlp.endpoint(),
                "-Dtollgate.metrics.interval=60s"),
            applicationClassPath(),
            "dev.tollgate.agent.it.app.ContractApp",
            List.of(client(), plan.toString(), out.toString()));
    assertThat(result.exitCode()).as("application exit; stderr:\n%s", result.stderr()).isZero();
    statusLines = Files.readAllLines(out.resolve("results.tsv"));

    List<OtlpSink.ExportedSpan> spans = otlp.spans();
    int next = 0;
    for (int i = 0; i < scenarios.size(); i++) {
      if (scenarios.get(i).expectSpan && next < spans.size()) {
        spanByScenario.put(i, spans.get(next++));
      }
    }
    long expected = scenarios.stream().filter(s -> s.expectSpan).count();
    assertThat(spans).as("one span per LLM call and none for other calls").hasSize((int) expected);
  }

  @AfterAll
  void stop() {
    if (llm != null) {
      llm.stop();
    }
    if (otlp != null) {
      otlp.close();
    }
  }

  private static Path resource(String name) throws IOException {
    try (InputStream in = AbstractClientContractIT.class.getResourceAsStream("/contract/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
    }
    try {
      return Path.of(AbstractClientContractIT.class.getResource("/contract/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> contract() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      final int index = i;
      Scenario s = scenarios.get(i);
      tests.add(DynamicTest.dynamicTest(client() + ": " + s.name, () -> check(index, s)));
    }
    return tests.stream();
  }

  private void check(int index, Scenario s) throws IOException {
    String[] status = statusLines.get(index).split("\t", -1);
    if (!s.refusedConnection && s.delayMillis == 0) {
      assertThat(Integer.parseInt(status[1])).as("status the application saw").isEqualTo(s.status);
      byte[] received = Files.readAllBytes(out.resolve(index + ".body"));
      byte[] fixture = Files.readAllBytes(resource(s.bodyFile));
      if (decodesContentEncoding() && "gzip".equals(s.responseHeaders.get("Content-Encoding"))) {
        fixture = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(fixture)).readAllBytes();
      }
      if (s.read.equals("ALL")) {
        assertThat(received).as("the application received the provider's bytes unchanged").isEqualTo(fixture);
      } else {
        assertThat(fixture).as("a prefix of the provider's bytes").startsWith(received);
      }
    }
    if (!s.expectSpan) {
      return;
    }
    OtlpSink.ExportedSpan span = spanByScenario.get(index);
    assertThat(span).as("span for %s", s.name).isNotNull();
    assertThat(span.service()).isEqualTo("contract-app");
    assertThat(span.scope()).isEqualTo(Tollgate.SCOPE);
    assertThat(span.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.get(GenAi.PROVIDER_NAME)).as("provider").isEqualTo(s.provider);
    assertThat(span.get(GenAi.OPERATION_NAME)).as("operation").isEqualTo(s.operation);
    if (!s.refusedConnection || writesBodyBeforeConnecting()) {
      assertThat(span.get(GenAi.REQUEST_MODEL)).as("request model").isEqualTo(s.requestModel);
    }
    if (s.responseModel != null) {
      assertThat(span.get(GenAi.RESPONSE_MODEL)).as("response model").isEqualTo(s.responseModel);
    }
    assertThat(span.get(GenAi.ERROR_TYPE)).as("error.type").isEqualTo(s.errorType);
    assertThat(span.get(Tollgate.CLIENT)).isEqualTo(clientFamily());
    assertThat(span.get(GenAi.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    if (s.errorType == null || s.input != null || s.output != null) {
      assertThat(span.get(GenAi.USAGE_INPUT_TOKENS)).as("input tokens").isEqualTo(s.input);
      assertThat(span.get(GenAi.USAGE_OUTPUT_TOKENS)).as("output tokens").isEqualTo(s.output);
      assertThat(span.get(GenAi.USAGE_CACHE_READ_INPUT_TOKENS)).as("cache read").isEqualTo(s.cacheRead);
      assertThat(span.get(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS)).as("cache write").isEqualTo(s.cacheWrite);
      assertThat(span.get(GenAi.USAGE_REASONING_OUTPUT_TOKENS)).as("reasoning").isEqualTo(s.reasoning);
    }
    if (s.stream) {
      assertThat(span.get(GenAi.REQUEST_STREAM)).isEqualTo(true);
    }
    long durationNanos = span.span().getEndTimeUnixNano() - span.span().getStartTimeUnixNano();
    assertThat(durationNanos).isPositive();
    if (s.expectTtfc) {
      Object ttfc = span.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK);
      assertThat(ttfc).as("time to first chunk").isInstanceOf(Double.class);
      // The body is dribbled over 300 ms, so the first chunk comes well before the end.
      assertThat((Double) ttfc).isPositive().isLessThan(durationNanos / 1e9);
    } else {
      assertThat(span.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK)).as("no first chunk for blocking calls").isNull();
    }
    if (s.name.startsWith("dify chat app")) {
      assertThat(span.get(Tollgate.DIFY_PRICE)).isEqualTo("0.0013030");
      assertThat(span.get(Tollgate.DIFY_CURRENCY)).isEqualTo("USD");
      assertThat(span.get(Tollgate.ENDPOINT_NAME)).isEqualTo("dify-support");
    }
    if (s.name.startsWith("SDK retry")) {
      assertThat(span.get(Tollgate.ATTEMPT)).isEqualTo(3L);
    }
    if (s.name.startsWith("openai 429")) {
      assertThat(span.get(Tollgate.RETRY_AFTER)).isEqualTo(2.0);
      assertThat(span.get(Tollgate.ERROR_MESSAGE_CODE)).isEqualTo("rate_limit_exceeded");
    }
    if (s.name.equals("openai chat, blocking")) {
      assertThat(span.get(Tollgate.RATELIMIT_REMAINING_REQUESTS)).isEqualTo(499L);
      assertThat(span.get(Tollgate.RATELIMIT_REMAINING_TOKENS)).isEqualTo(149970L);
      assertThat((Double) span.get(Tollgate.RATELIMIT_RESET_REQUESTS)).isCloseTo(0.12, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  /**
   * False for clients that connect before the application writes the body (HttpURLConnection's
   * getOutputStream connects): when the connection is refused, no body was ever written, so the
   * request model cannot be known.
   */
  boolean writesBodyBeforeConnecting() {
    return true;
  }

  /** The client family recorded in {@code tollgate.client}. */
  String clientFamily() {
    return client();
  }

  @Test
  void metricsAddUp() {
    Map<String, Metric> metrics = otlp.metrics();
    Metric duration = metrics.get(GenAi.METRIC_OPERATION_DURATION);
    assertThat(duration).as("operation duration metric").isNotNull();
    long count = duration.getHistogram().getDataPointsList().stream().mapToLong(p -> p.getCount()).sum();
    assertThat(count).isEqualTo(scenarios.stream().filter(s -> s.expectSpan).count());
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogram().getDataPoints(0).getExplicitBoundsList()).contains(81.92);
    Metric tokens = metrics.get(GenAi.METRIC_TOKEN_USAGE);
    assertThat(tokens).isNotNull();
    long inputSum =
        (long)
            tokens.getHistogram().getDataPointsList().stream()
                .filter(p -> p.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals(GenAi.TOKEN_TYPE) && kv.getValue().getStringValue().equals("input")))
                .mapToDouble(p -> p.getSum())
                .sum();
    long expectedInput = scenarios.stream().filter(s -> s.expectSpan && s.input != null).mapToLong(s -> s.input).sum();
    assertThat(inputSum).isEqualTo(expectedInput);
    assertThat(metrics).containsKey(GenAi.METRIC_TIME_TO_FIRST_CHUNK);
    Metric drops = metrics.get(Tollgate.METRIC_EXPORT_DROPS);
    assertThat(drops).as("export drops are counted and exported").isNotNull();
    assertThat(drops.getSum().getDataPoints(0).getAsInt()).as("nothing was dropped").isZero();
  }

  @Test
  void noSecretLeavesTheProcess() {
    String payloads = otlp.allPayloadText();
    assertThat(payloads).doesNotContain("sk-contract-secret").doesNotContain("Bearer");
    // Prompt and completion text stay in the process too.
    assertThat(payloads).doesNotContain("Say hello").doesNotContain("Hello! How can I assist");
    assertThat(result.stderr()).doesNotContain("sk-contract-secret");
  }
}
