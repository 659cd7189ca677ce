package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller enforcing its policies on a real client under the real agent jar, against
 * WireMock playing a provider in trouble: a 429 storm with Retry-After, an outage and recovery,
 * and a slow backend that fills the queue.
 */
abstract class AbstractControllerScenarioIT {
  static final String OK =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}";
  static final String RATE_LIMITED =
      "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";

  WireMockServer llm;
  OtlpSink otlp;
  Path config;

  abstract String client();

  /** Jar name fragments the client needs on the application's class path. */
  String[] clientJars() {
    return new String[0];
  }

  /**
   * False where the agent does not re-send requests itself: HttpURLConnection (its body cannot be
   * replayed). Limits and the breaker apply.
   */
  boolean retriesTransparently() {
    return true;
  }

  @BeforeEach
  void start() throws Exception {
    llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    otlp = new OtlpSink();
    String base = "http://127.0.0.1:" + llm.port();
    config = Files.createTempFile("controller", ".yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "service_name: controller-app",
            "endpoints:",
            "  - name: storm",
            "    url: \"" + base + "/storm/v1\"",
            "    provider: openai",
            "    retry: {max_attempts: 4, base_delay: 50ms, max_delay: 5s, budget: 50%}",
            "  - name: outage",
            "    url: \"" + base + "/outage/v1\"",
            "    provider: openai",
            "    circuit_breaker: {failure_rate: 50%, window: 10, min_calls: 4, open_for: 1500ms, half_open_calls: 2}",
            "  - name: slow",
            "    url: \"" + base + "/slow/v1\"",
            "    provider: openai",
            "    concurrency: {max: 2, queue: 2, max_wait: 300ms}",
            ""));
  }

  @AfterEach
  void stop() {
    llm.stop();
    otlp.close();
  }

  AgentProcess.Result run(String scenario, String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(client(), scenario, "http://127.0.0.1:" + llm.port()));
    args.addAll(List.of(extra));
    AgentProcess.Result r =
        AgentProcess.run(
            true,
            List.of("-Dtollgate.config=" + config, "-Dtollgate.exporter.endpoint=" + otlp.endpoint()),
            AgentProcess.classPath(clientJars()),
            "dev.tollgate.agent.it.app.ControllerApp",
            args);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r;
  }

  @Test
  void rateLimitStormIsRetriedAsTheServerAsks() throws Exception {
    llm.stubFor(post(urlEqualTo("/storm/v1/chat/completions")).inScenario("storm").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json").withBody(RATE_LIMITED))
        .willSetStateTo("second"));
    llm.stubFor(post(urlEqualTo("/storm/v1/chat/completions")).inScenario("storm").whenScenarioStateIs("second")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json").withBody(RATE_LIMITED))
        .willSetStateTo("third"));
    llm.stubFor(post(urlEqualTo("/storm/v1/chat/completions")).inScenario("storm").whenScenarioStateIs("third")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(OK)));
    AgentProcess.Result r = run("storm");
    List<LoggedRequest> sent = llm.findAll(postRequestedFor(urlEqualTo("/storm/v1/chat/completions")));
    if (!retriesTransparently()) {
      assertThat(r.stdout()).startsWith("storm 429 ");
      assertThat(sent).hasSize(1);
      return;
    }
    assertThat(r.stdout()).as("the application sees the final success").startsWith("storm 200 ");
    assertThat(sent).as("attempts, within max_attempts").hasSize(3);
    for (int i = 1; i < sent.size(); i++) {
      long gap = sent.get(i).getLoggedDate().getTime() - sent.get(i - 1).getLoggedDate().getTime();
      assertThat(gap).as("attempt %d waited the server's Retry-After of 1 s", i + 1).isGreaterThanOrEqualTo(950);
    }
    List<OtlpSink.ExportedSpan> spans = otlp.spans();
    assertThat(spans).hasSize(3);
    assertThat(spans).extracting(s -> s.get(Tollgate.ATTEMPT)).containsExactly(1L, 2L, 3L);
    assertThat(spans.get(0).get(GenAi.ERROR_TYPE)).isEqualTo("429");
    assertThat(spans.get(0).get(Tollgate.RETRIED)).isEqualTo(true);
    assertThat(spans.get(2).get(GenAi.ERROR_TYPE)).isNull();
    assertThat(spans.get(2).get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(9L);
  }

  @Test
  void outageOpensTheBreakerWhichFailsFastProbesAndCloses() throws Exception {
    llm.stubFor(post(urlEqualTo("/outage/v1/chat/completions")).inScenario("outage").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"Service Unavailable\",\"type\":\"server_error\"}}")));
    llm.stubFor(post(urlEqualTo("/admin/recover")).inScenario("outage").willReturn(aResponse().withStatus(200).withBody("{}")).willSetStateTo("up"));
    llm.stubFor(post(urlEqualTo("/outage/v1/chat/completions")).inScenario("outage").whenScenarioStateIs("up")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(OK)));
    AgentProcess.Result r = run("outage", "1700");
    List<String> lines = r.stdout().lines().toList();
    List<String> down = lines.stream().filter(l -> l.startsWith("down-")).toList();
    long served503 = down.stream().filter(l -> l.split(" ")[1].equals("503")).count();
    List<String> failedFast = down.stream().filter(l -> l.split(" ")[1].equals("-1")).toList();
    assertThat(served503).as("calls that reached the backend before the breaker opened").isBetween(4L, 5L);
    assertThat(failedFast).hasSize(12 - (int) served503);
    // An IOException (the JDK's send() wraps it in a plain IOException) naming the endpoint and when it is tried again.
    assertThat(failedFast).allSatisfy(l -> assertThat(l).contains("Tollgate: the circuit breaker of endpoint 'outage' is open").contains("tried again in"));
    assertThat(lines.stream().filter(l -> l.startsWith("up-"))).allSatisfy(l -> assertThat(l.split(" ")[1]).isEqualTo("200"));
    long backendCalls = llm.findAll(postRequestedFor(urlEqualTo("/outage/v1/chat/completions"))).size();
    assertThat(backendCalls).as("refused calls never reached the backend").isEqualTo(served503 + 6);
    List<OtlpSink.ExportedSpan> spans = otlp.spans();
    assertThat(spans.stream().filter(s -> "circuit_breaker".equals(s.get(Tollgate.REJECTED_BY)))).hasSize(failedFast.size());
  }

  @Test
  void slowBackendFillsTheQueueAndWaitsAreBounded() throws Exception {
    llm.stubFor(post(urlEqualTo("/slow/v1/chat/completions"))
        .willReturn(aResponse().withFixedDelay(1500).withHeader("Content-Type", "application/json").withBody(OK)));
    AgentProcess.Result r = run("slow");
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).hasSize(8);
    long ok = lines.stream().filter(l -> l.split(" ")[1].equals("200")).count();
    List<String> refused = lines.stream().filter(l -> l.split(" ")[1].equals("-1")).toList();
    assertThat(ok).as("two in flight at a time; the queue's waits expire before a slot frees").isEqualTo(2);
    assertThat(refused).hasSize(6);
    assertThat(refused).allSatisfy(l -> assertThat(l).contains("Tollgate: endpoint 'slow'"));
    assertThat(refused.stream().filter(l -> l.contains("wait"))).as("queued calls gave up after max_wait").isNotEmpty();
    // Refused calls are answered before any admitted call could be (the backend takes 1.5 s):
    // nobody waited for the slow backend.
    long fastestServed = lines.stream().filter(l -> l.split(" ")[1].equals("200")).mapToLong(l -> Long.parseLong(l.split(" ")[2])).min().orElseThrow();
    for (String l : refused) {
      assertThat(Long.parseLong(l.split(" ")[2])).as("refused before any call was served: %s", l).isLessThan(fastestServed);
    }
    assertThat(llm.findAll(postRequestedFor(urlEqualTo("/slow/v1/chat/completions")))).hasSize(2);
    assertThat(otlp.spans().stream().filter(s -> "concurrency".equals(s.get(Tollgate.REJECTED_BY)))).hasSize(6);
  }
}
