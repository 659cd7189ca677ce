package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Apache HttpClient's own retry stages and Tollgate's controller, with the client's defaults (5:
 * {@code DefaultHttpRequestRetryStrategy}, which retries 429 and 503 once, POST included; 4: a
 * {@code ServiceUnavailableRetryStrategy} where the application configures one). Tollgate sits
 * below those stages, so every attempt is a call of its own.
 *
 * <ul>
 *   <li>Without a retry policy nothing changes: the client's own retry is attempt 2.
 *   <li>With one, on the classic clients, Tollgate retries as the policy says and its refusal is
 *       final: the client's stage does not send the request once more.
 *   <li>A streamed entity is never sent again; the async client is admitted only, its own retry
 *       stage stays in charge.
 * </ul>
 */
class ApacheRetryIT {
  private static final String PATH = "/v1/chat/completions";
  private static final String[] JARS = {
    "httpclient5", "httpcore5", "slf4j-api", "httpclient-4", "httpcore-4", "commons-logging",
    "commons-codec"
  };

  private WireMockServer llm;
  private OtlpSink otlp;

  @BeforeEach
  void start() {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    otlp = new OtlpSink();
  }

  @AfterEach
  void stop() {
    llm.stop();
    otlp.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"apache5-chat", "apache5-async-chat"})
  void withoutARetryPolicyTheClientsOwnRetryIsASecondAttempt(String op) throws Exception {
    failOnceThenSucceed(429);
    AgentProcess.Result r = run(op, false);
    assertThat(r.stdout()).contains(op + " status=200");
    llm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    var spans = otlp.spans();
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).get(Tollgate.ATTEMPT)).isEqualTo(1L);
    assertThat(spans.get(0).get(GenAi.ERROR_TYPE)).isEqualTo("429");
    assertThat(spans.get(0).get(Tollgate.RETRIED)).isNull();
    if (op.equals("apache5-async-chat")) {
      // The async retry stage reads the refused body away; the classic one closes it unread,
      // so there the provider's error code is unknown (the status is what counts).
      assertThat(spans.get(0).get(Tollgate.ERROR_MESSAGE_CODE)).isEqualTo("rate_limit_exceeded");
    }
    assertThat(spans.get(1).get(Tollgate.ATTEMPT)).isEqualTo(2L);
    assertThat(spans.get(1).get(GenAi.ERROR_TYPE)).isNull();
    assertThat(spans.get(1).get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(19L);
    assertThat(spans)
        .allSatisfy(
            s -> {
              assertThat(s.get(Tollgate.CLIENT)).isEqualTo("apache-httpclient-5");
              assertThat(s.get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
            });
  }

  /**
   * A provider that keeps refusing: Tollgate makes max_attempts (3) attempts, then hands the
   * application the last refusal; the client's own stage, which would retry it once more (a
   * fourth request), leaves it alone.
   */
  @ParameterizedTest
  @CsvSource({
    "apache5-chat, 429, apache-httpclient-5",
    "apache4-chat-retry503, 503, apache-httpclient-4"
  })
  void withARetryPolicyTollgateRetriesAndItsRefusalIsFinal(String op, int status, String client)
      throws Exception {
    llm.stubFor(post(urlEqualTo(PATH)).willReturn(refusal(status)));
    AgentProcess.Result r = run(op, true);
    assertThat(r.stdout()).contains(op + " status=" + status);
    llm.verify(3, postRequestedFor(urlEqualTo(PATH)));
    var spans = otlp.spans();
    assertThat(spans).hasSize(3);
    assertThat(spans).extracting(s -> s.get(Tollgate.ATTEMPT)).containsExactly(1L, 2L, 3L);
    assertThat(spans).extracting(s -> s.get(Tollgate.RETRIED)).containsExactly(true, true, null);
    assertThat(spans)
        .allSatisfy(
            s -> {
              assertThat(s.get(GenAi.ERROR_TYPE)).isEqualTo(String.valueOf(status));
              assertThat(s.get(Tollgate.CLIENT)).isEqualTo(client);
              assertThat(s.get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
            });
  }

  /** A streamed entity cannot be written twice: the refusal reaches the application as it is. */
  @ParameterizedTest
  @CsvSource({
    "apache5-chat-streamed, apache-httpclient-5",
    "apache4-chat-streamed, apache-httpclient-4"
  })
  void aStreamedEntityIsNotSentAgain(String op, String client) throws Exception {
    failOnceThenSucceed(429);
    AgentProcess.Result r = run(op, true);
    assertThat(r.stdout()).contains(op + " status=429");
    llm.verify(1, postRequestedFor(urlEqualTo(PATH)));
    var spans = otlp.spans();
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).get(Tollgate.ATTEMPT)).isEqualTo(1L);
    assertThat(spans.get(0).get(Tollgate.RETRIED)).isNull();
    assertThat(spans.get(0).get(Tollgate.CLIENT)).isEqualTo(client);
    assertThat(spans.get(0).get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
  }

  /** The async client is admitted and limited, not retried by Tollgate: its own stage retries. */
  @ParameterizedTest
  @ValueSource(strings = {"apache5-async-chat"})
  void theAsyncClientKeepsItsOwnRetries(String op) throws Exception {
    failOnceThenSucceed(429);
    AgentProcess.Result r = run(op, true);
    assertThat(r.stdout()).contains(op + " status=200");
    llm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    var spans = otlp.spans();
    assertThat(spans).extracting(s -> s.get(Tollgate.ATTEMPT)).containsExactly(1L, 2L);
    assertThat(spans.get(0).get(Tollgate.RETRIED)).isNull();
    assertThat(spans.get(1).get(GenAi.ERROR_TYPE)).isNull();
  }

  private void failOnceThenSucceed(int status) throws Exception {
    llm.stubFor(
        post(urlEqualTo(PATH))
            .inScenario("refused once")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(refusal(status))
            .willSetStateTo("refused"));
    llm.stubFor(
        post(urlEqualTo(PATH))
            .inScenario("refused once")
            .whenScenarioStateIs("refused")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(bytes("openai_chat.resp.json"))));
  }

  private static ResponseDefinitionBuilder refusal(int status) throws Exception {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("Retry-After", "0")
        .withBody(bytes("openai_429.resp.json"));
  }

  /** @param policy with an endpoint for the server whose retry policy allows three attempts */
  private AgentProcess.Result run(String op, boolean policy) throws Exception {
    List<String> jvm = new ArrayList<>();
    jvm.add("-Dtollgate.exporter.endpoint=" + otlp.endpoint());
    if (policy) {
      Path config = Files.createTempFile("apache-retry", ".yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "endpoints:",
              "  - name: llm",
              "    url: \"http://127.0.0.1:" + llm.port() + "/v1\"",
              "    provider: openai",
              "    retry: {max_attempts: 3, base_delay: 10ms, budget: 50%}",
              ""));
      jvm.add("-Dtollgate.config=" + config);
    }
    AgentProcess.Result r =
        AgentProcess.run(
            true,
            jvm,
            AgentProcess.classPath(JARS),
            "dev.tollgate.agent.it.app.LlmCallsApp",
            List.of("http://127.0.0.1:" + llm.port() + PATH, op));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r;
  }

  private static byte[] bytes(String name) throws java.io.IOException {
    try (InputStream in = ApacheRetryIT.class.getResourceAsStream("/contract/" + name)) {
      return in.readAllBytes();
    }
  }
}
