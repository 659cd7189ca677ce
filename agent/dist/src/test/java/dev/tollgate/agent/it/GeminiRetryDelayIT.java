package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gemini sends no Retry-After header on a 429: the delay is in the error body ({@code
 * RetryInfo.retryDelay}). Through OkHttp and the JDK client, the span carries it, with the error's
 * status string as its code.
 */
class GeminiRetryDelayIT {
  @Test
  void retryDelayFromTheErrorBody() throws Exception {
    WireMockServer llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    try (OtlpSink otlp = new OtlpSink();
        InputStream body =
            GeminiRetryDelayIT.class.getResourceAsStream("/contract/gemini_429.resp.json")) {
      String path = "/v1beta/models/gemini-2.5-flash:generateContent";
      llm.stubFor(
          post(urlEqualTo(path))
              .willReturn(
                  aResponse()
                      .withStatus(429)
                      .withHeader("Content-Type", "application/json; charset=UTF-8")
                      .withBody(body.readAllBytes())));
      AgentProcess.Result r =
          AgentProcess.run(
              true,
              List.of("-Dtollgate.exporter.endpoint=" + otlp.endpoint()),
              AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib"),
              "dev.tollgate.agent.it.app.LlmCallsApp",
              List.of("http://127.0.0.1:" + llm.port() + path, "okhttp-chat", "jdk-chat"));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).contains("okhttp-chat status=429", "jdk-chat status=429");
      var spans = otlp.spans();
      assertThat(spans).hasSize(2);
      assertThat(spans)
          .extracting(s -> s.get(Tollgate.CLIENT))
          .containsExactly("okhttp", "jdk-httpclient");
      assertThat(spans)
          .allSatisfy(
              s -> {
                assertThat(s.get(GenAi.PROVIDER_NAME)).isEqualTo("gcp.gemini");
                assertThat(s.get(GenAi.REQUEST_MODEL)).isEqualTo("gemini-2.5-flash");
                assertThat(s.get(GenAi.ERROR_TYPE)).isEqualTo("429");
                assertThat(s.get(Tollgate.ERROR_MESSAGE_CODE)).isEqualTo("RESOURCE_EXHAUSTED");
                assertThat(s.get(Tollgate.RETRY_AFTER)).isEqualTo(37.0);
              });
    } finally {
      llm.stop();
    }
  }
}
