package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.conventions.GenAi;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent beside an application that ships its own, different versions of the libraries the
 * agent carries (Jackson 2.15, OpenTelemetry SDK 1.40, Byte Buddy 1.14): both keep working, the
 * application's classes come from its own jars, and the agent still records the call.
 */
class CoexistenceIT {
  @Test
  void agentAndApplicationLibrariesDoNotMeet() throws Exception {
    WireMockServer llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    try (OtlpSink otlp = new OtlpSink()) {
      llm.stubFor(
          post(urlEqualTo("/v1/chat/completions"))
              .willReturn(
                  aResponse()
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
                              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hey\"},\"finish_reason\":\"stop\"}],"
                              + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}")));
      List<String> cp = new ArrayList<>();
      cp.add(AgentProcess.classPath());
      Path libs = Path.of(System.getProperty("tollgate.app.libs", "target/app-libs"));
      try (Stream<Path> s = Files.list(libs)) {
        s.forEach(p -> cp.add(p.toString()));
      }
      AgentProcess.Result r =
          AgentProcess.run(
              true,
              List.of("-Dtollgate.exporter.endpoint=" + otlp.endpoint(), "-Dotel.service.name=coexist"),
              String.join(File.pathSeparator, cp),
              "dev.tollgate.agent.it.app.CoexistenceApp",
              List.of("http://127.0.0.1:" + llm.port() + "/v1/chat/completions"));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout())
          .contains("status=200")
          .contains("model=gpt-4o-mini-2024-07-18")
          .contains("jackson=2.15.4")
          .contains("jackson-databind-2.15.4.jar")
          .contains("opentelemetry-sdk-1.40.0.jar")
          .contains("byte-buddy-1.14.18.jar")
          .contains("span-valid=true");
      var spans = otlp.spans();
      assertThat(spans).hasSize(1);
      assertThat(spans.get(0).service()).isEqualTo("coexist");
      assertThat(spans.get(0).get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(8L);
      assertThat(spans.get(0).get(GenAi.PROVIDER_NAME)).isEqualTo("openai-compatible");
    } finally {
      llm.stop();
    }
  }

  @Test
  void disabledAgentIsANoOp() throws Exception {
    AgentProcess.Result r =
        AgentProcess.run(
            true,
            List.of("-Dtollgate.enabled=false", "-Dtollgate.debug=true"),
            AgentProcess.classPath(),
            "dev.tollgate.agent.it.app.HelloApp",
            List.of());
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("hello" + System.lineSeparator());
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void badConfigFileIsReportedOnceAndTheApplicationStarts() throws Exception {
    Path bad = Files.createTempFile("tollgate", ".yaml");
    Files.writeString(bad, "endpoints: [ {name: x, url: \"http://a\", provider: nosuch} \n  - broken: [");
    AgentProcess.Result r =
        AgentProcess.run(
            true,
            List.of("-Dtollgate.config=" + bad, "-Dtollgate.exporter.endpoint=none"),
            AgentProcess.classPath(),
            "dev.tollgate.agent.it.app.HelloApp",
            List.of());
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("hello" + System.lineSeparator());
    assertThat(r.stderr()).contains("[tollgate] config: could not read config file " + bad);
    assertThat(r.stderr().lines().filter(l -> l.contains("[tollgate]")).count()).isEqualTo(1);
  }
}
