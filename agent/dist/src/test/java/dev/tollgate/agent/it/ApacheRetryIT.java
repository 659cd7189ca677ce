package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Apache HttpClient 5 retries a 429 (or 503) by itself, POST included, after the Retry-After delay.
 * Tollgate sits below that retry stage: the rate-limited attempt and the retry are two calls,
 * attempts 1 and 2, so a 429 the client absorbed still shows on the dashboards.
 */
class ApacheRetryIT {
  @ParameterizedTest
  @ValueSource(strings = {"apache5-chat", "apache5-async-chat"})
  void theClientsOwnRetryIsASecondAttempt(String op) throws Exception {
    WireMockServer llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    try (OtlpSink otlp = new OtlpSink()) {
      String path = "/v1/chat/completions";
      llm.stubFor(
          post(urlEqualTo(path))
              .inScenario("429 once")
              .whenScenarioStateIs(Scenario.STARTED)
              .willReturn(
                  aResponse()
                      .withStatus(429)
                      .withHeader("Content-Type", "application/json")
                      .withHeader("Retry-After", "0")
                      .withBody(bytes("openai_429.resp.json")))
              .willSetStateTo("limited"));
      llm.stubFor(
          post(urlEqualTo(path))
              .inScenario("429 once")
              .whenScenarioStateIs("limited")
              .willReturn(
                  aResponse()
                      .withHeader("Content-Type", "application/json")
                      .withBody(bytes("openai_chat.resp.json"))));
      AgentProcess.Result r =
          AgentProcess.run(
              true,
              List.of("-Dtollgate.exporter.endpoint=" + otlp.endpoint()),
              AgentProcess.classPath("httpclient5", "httpcore5", "slf4j-api"),
              "dev.tollgate.agent.it.app.LlmCallsApp",
              List.of("http://127.0.0.1:" + llm.port() + path, op));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).contains(op + " status=200");
      llm.verify(2, postRequestedFor(urlEqualTo(path)));
      var spans = otlp.spans();
      assertThat(spans).hasSize(2);
      assertThat(spans.get(0).get(Tollgate.ATTEMPT)).isEqualTo(1L);
      assertThat(spans.get(0).get(GenAi.ERROR_TYPE)).isEqualTo("429");
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
    } finally {
      llm.stop();
    }
  }

  private static byte[] bytes(String name) throws java.io.IOException {
    try (InputStream in = ApacheRetryIT.class.getResourceAsStream("/contract/" + name)) {
      return in.readAllBytes();
    }
  }
}
