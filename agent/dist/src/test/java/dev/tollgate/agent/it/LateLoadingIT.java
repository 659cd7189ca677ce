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
 * Libraries the agent has never seen at start-up: OkHttp 5 from the application's class path, and
 * OkHttp 4.12 from a class loader the application creates at run time (the shape of a plug-in or a
 * fat jar's nested loader). Each gets Tollgate's interceptor defined in its own loader, and both
 * calls are recorded. And an application that loads none of the instrumented libraries hears
 * nothing from the agent.
 */
class LateLoadingIT {
  @Test
  void okHttpLoadedLateInItsOwnLoaderIsInstrumentedBesideAnotherVersion() throws Exception {
    WireMockServer llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    try (OtlpSink otlp = new OtlpSink();
        InputStream body =
            LateLoadingIT.class.getResourceAsStream("/contract/openai_chat.resp.json")) {
      llm.stubFor(
          post(urlEqualTo("/v1/chat/completions"))
              .willReturn(
                  aResponse()
                      .withHeader("Content-Type", "application/json")
                      .withBody(body.readAllBytes())));
      AgentProcess.Result r =
          AgentProcess.run(
              true,
              List.of("-Dtollgate.exporter.endpoint=" + otlp.endpoint()),
              AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib"),
              "dev.tollgate.agent.it.app.LlmCallsApp",
              List.of(
                  "http://127.0.0.1:" + llm.port() + "/v1/chat/completions",
                  "okhttp-chat",
                  "late-okhttp:" + Libs.target().resolve("okhttp4-libs")));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stderr()).doesNotContain("[tollgate]").doesNotContain("sun.misc.Unsafe");
      String interceptor =
          "first=dev.tollgate.agent.instrumentation.okhttp.inject.TollgateInterceptor"
              + " sameLoader=true";
      assertThat(r.stdout())
          .contains("okhttp-chat status=200 bytes=")
          .contains("okhttp=okhttp-jvm-5.5.1.jar interceptors=1 " + interceptor)
          .contains("late-okhttp status=200 bytes=")
          .contains("okhttp=okhttp-4.12.0.jar interceptors=1 " + interceptor);
      var spans = otlp.spans();
      assertThat(spans).hasSize(2);
      assertThat(spans)
          .allSatisfy(
              s -> {
                assertThat(s.get(Tollgate.CLIENT)).isEqualTo("okhttp");
                assertThat(s.get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(19L);
                assertThat(s.get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
              });
    } finally {
      llm.stop();
    }
  }

  @Test
  void anApplicationWithoutTheLibrariesHearsNothing() throws Exception {
    AgentProcess.Result r =
        AgentProcess.run(
            true,
            List.of("-Dtollgate.exporter.endpoint=none", "-Dtollgate.debug.instrumentation=true"),
            AgentProcess.classPath(),
            "dev.tollgate.agent.it.app.HelloApp",
            List.of());
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("hello" + System.lineSeparator());
    // No client library loaded: no transformation, no helper injection, nothing on stderr but the
    // JVM's own note about class data sharing.
    assertThat(r.stderr().lines().filter(l -> !l.contains("Sharing is only supported"))).isEmpty();
  }
}
