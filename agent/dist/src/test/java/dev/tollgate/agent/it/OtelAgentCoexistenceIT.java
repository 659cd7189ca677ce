package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.not;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tollgate beside the OpenTelemetry Java agent (2.21.0, which instruments the same OkHttp and JDK
 * clients, and injects its own helpers): in either order on the command line both keep working,
 * Tollgate records the same calls with the same numbers as when alone, and the OTel agent's own
 * HTTP client spans still arrive. Both export to the same OTLP receiver, told apart by scope.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtelAgentCoexistenceIT {
  private static final List<String> OPS = List.of("okhttp-chat", "okhttp-stream", "jdk-chat");

  private WireMockServer llm;

  @BeforeAll
  void start() throws Exception {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    llm.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(not(matchingJsonPath("$[?(@.stream == true)]")))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(fixture("openai_chat.resp.json"))));
    llm.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(matchingJsonPath("$[?(@.stream == true)]"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(fixture("openai_stream.sse"))
                    .withChunkedDribbleDelay(6, 200)));
  }

  @AfterAll
  void stop() {
    llm.stop();
  }

  @Test
  void bothAgentsWorkInEitherOrderAndTollgateCountsTheSame() throws Exception {
    Run alone = run(false, false);
    Run otelFirst = run(true, true);
    Run tollgateFirst = run(true, false);
    for (Run r : List.of(alone, otelFirst, tollgateFirst)) {
      assertThat(r.result.exitCode()).as(r.result.stderr()).isZero();
      assertThat(r.result.stdout())
          .contains("okhttp-chat status=200", "okhttp-stream status=200", "jdk-chat status=200");
      assertThat(r.result.stderr()).doesNotContain("[tollgate]").doesNotContain("Exception");
      assertThat(r.tollgate).hasSize(3);
    }
    assertThat(otelFirst.tollgate).isEqualTo(alone.tollgate);
    assertThat(tollgateFirst.tollgate).isEqualTo(alone.tollgate);
    for (Run r : List.of(otelFirst, tollgateFirst)) {
      assertThat(r.otelHttpScopes)
          .contains("io.opentelemetry.okhttp-3.0", "io.opentelemetry.java-http-client");
      assertThat(r.otelLlmCalls).as("the OTel agent's own HTTP client spans").isEqualTo(3);
    }
    assertThat(alone.tollgate.get(0))
        .isEqualTo("openai-compatible gpt-4o-mini in=19 out=10 okhttp");
    assertThat(alone.tollgate.get(1))
        .isEqualTo("openai-compatible gpt-4o in=1200 out=50 okhttp ttfc");
    assertThat(alone.tollgate.get(2))
        .isEqualTo("openai-compatible gpt-4o-mini in=19 out=10 jdk-httpclient");
  }

  private record Run(
      AgentProcess.Result result,
      List<String> tollgate,
      List<String> otelHttpScopes,
      long otelLlmCalls) {}

  private Run run(boolean withOtel, boolean otelFirst) throws Exception {
    try (OtlpSink sink = new OtlpSink()) {
      List<String> jvm = new ArrayList<>();
      String tollgate = "-javaagent:" + AgentProcess.agentJar().toAbsolutePath();
      String otel =
          "-javaagent:" + Libs.target().resolve("otel-javaagent/opentelemetry-javaagent.jar");
      if (withOtel && otelFirst) {
        jvm.add(otel);
      }
      jvm.add(tollgate);
      if (withOtel && !otelFirst) {
        jvm.add(otel);
      }
      jvm.addAll(
          List.of(
              "-Dtollgate.exporter.endpoint=" + sink.endpoint(),
              "-Dotel.service.name=coexist-otel",
              "-Dotel.exporter.otlp.endpoint=" + sink.endpoint(),
              "-Dotel.exporter.otlp.protocol=http/protobuf",
              "-Dotel.metrics.exporter=none",
              "-Dotel.logs.exporter=none",
              "-Dotel.javaagent.logging=none"));
      List<String> args = new ArrayList<>();
      args.add("http://127.0.0.1:" + llm.port() + "/v1/chat/completions");
      args.addAll(OPS);
      AgentProcess.Result r =
          AgentProcess.run(
              false,
              jvm,
              AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib"),
              "dev.tollgate.agent.it.app.LlmCallsApp",
              args);
      List<OtlpSink.ExportedSpan> spans = sink.spans();
      List<String> ours =
          spans.stream()
              .filter(s -> s.scope().equals(Tollgate.SCOPE))
              .map(
                  s ->
                      s.get(GenAi.PROVIDER_NAME)
                          + " "
                          + s.get(GenAi.REQUEST_MODEL)
                          + " in="
                          + s.get(GenAi.USAGE_INPUT_TOKENS)
                          + " out="
                          + s.get(GenAi.USAGE_OUTPUT_TOKENS)
                          + " "
                          + s.get(Tollgate.CLIENT)
                          + (s.get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK) != null ? " ttfc" : ""))
              .collect(Collectors.toList());
      List<String> otelScopes =
          spans.stream()
              .map(OtlpSink.ExportedSpan::scope)
              .filter(n -> !n.equals(Tollgate.SCOPE))
              .distinct()
              .sorted()
              .collect(Collectors.toList());
      long otelLlm =
          spans.stream()
              .filter(s -> !s.scope().equals(Tollgate.SCOPE))
              .filter(s -> String.valueOf(s.get("url.full")).endsWith("/v1/chat/completions"))
              .count();
      return new Run(r, ours, otelScopes, otelLlm);
    }
  }

  private static byte[] fixture(String name) {
    try (InputStream in = OtelAgentCoexistenceIT.class.getResourceAsStream("/contract/" + name)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
