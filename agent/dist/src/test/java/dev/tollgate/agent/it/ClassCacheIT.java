package dev.tollgate.agent.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class cache end to end: a first run with an empty cache transforms with Byte Buddy and fills
 * it; the next run serves every client class from it, never builds Byte Buddy, and records the
 * same calls. Neither run makes the JVM switch class data sharing off.
 */
class ClassCacheIT {
  @TempDir Path tmp;

  private static final String CHAT =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hey\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}";

  @Test
  void aWarmStartServesEveryClientFromTheCacheWithoutByteBuddy() throws Exception {
    WireMockServer llm = startLlm();
    Path cache = tmp.resolve("cache");
    try {
      Run cold = run(llm, cache, "cold");
      assertThat(cold.byteBuddyClasses).as("Byte Buddy is built on a cold start").isGreaterThan(300);
      try (Stream<Path> files = Files.walk(cache)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("jdk.internal.net.http.HttpClientImpl-"))
            .anyMatch(n -> n.startsWith("okhttp3.OkHttpClient$Builder-"))
            .anyMatch(n -> n.startsWith("org.apache.hc.client5.http.impl.classic.HttpClientBuilder-"));
      }

      assertServedFromTheCache(run(llm, cache, "warm"));
    } finally {
      llm.stop();
    }
  }

  /**
   * {@code java -jar tollgate-agent.jar warm-cache} fills the cache ahead of time (as a container
   * image build would), so the application's very first start is a warm one.
   */
  @Test
  void theWarmCacheCommandMakesTheFirstStartWarm() throws Exception {
    WireMockServer llm = startLlm();
    Path cache = tmp.resolve("prewarmed");
    try {
      AgentProcess.Result warmUp =
          AgentProcess.exec(
              List.of(
                  AgentProcess.javaBinary(),
                  "-Dtollgate.cache.dir=" + cache,
                  "-jar",
                  AgentProcess.agentJar().toAbsolutePath().toString(),
                  "warm-cache",
                  "--class-path",
                  AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib", "httpclient5", "httpcore5", "slf4j-api")));
      assertThat(warmUp.exitCode()).as(warmUp.stdout() + warmUp.stderr()).isZero();
      assertThat(warmUp.stdout())
          .contains("jdk.internal.net.http.HttpClientImpl: cached")
          .contains("okhttp3.OkHttpClient$Builder: cached")
          .contains("org.apache.hc.client5.http.impl.classic.HttpClientBuilder: cached")
          .contains("org.apache.http.impl.client.HttpClientBuilder: not on the class path");

      assertServedFromTheCache(run(llm, cache, "first"));
    } finally {
      llm.stop();
    }
  }

  @Test
  void theWarmCacheCommandSaysWhenTheCacheIsOff() throws Exception {
    AgentProcess.Result r =
        AgentProcess.exec(
            List.of(
                AgentProcess.javaBinary(),
                "-Dtollgate.cache.dir=off",
                "-jar",
                AgentProcess.agentJar().toAbsolutePath().toString(),
                "warm-cache"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("the class cache is off");
  }

  private static void assertServedFromTheCache(Run run) {
    assertThat(run.result.stderr())
        .contains("transformed jdk.internal.net.http.HttpClientImpl (from the class cache)")
        .contains("transformed okhttp3.OkHttpClient$Builder (from the class cache)")
        .contains("transformed org.apache.hc.client5.http.impl.classic.HttpClientBuilder (from the class cache)");
    // A handful of Byte Buddy interfaces may be loaded to verify the installer; building the
    // transformer would load over a thousand classes.
    assertThat(run.byteBuddyClasses).as("Byte Buddy classes loaded on a warm start").isLessThan(20);
  }

  private static WireMockServer startLlm() {
    WireMockServer llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    llm.start();
    llm.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(CHAT)));
    return llm;
  }

  private record Run(AgentProcess.Result result, long byteBuddyClasses) {}

  private Run run(WireMockServer llm, Path cache, String name) throws Exception {
    Path classLog = tmp.resolve(name + "-classes.txt");
    try (OtlpSink otlp = new OtlpSink()) {
      AgentProcess.Result r =
          AgentProcess.run(
              true,
              List.of(
                  "-Dtollgate.exporter.endpoint=" + otlp.endpoint(),
                  "-Dtollgate.cache.dir=" + cache,
                  "-Dtollgate.debug.instrumentation=true",
                  "-Xlog:class+load:file=" + classLog),
              AgentProcess.classPath("okhttp-jvm", "okio", "kotlin-stdlib", "httpclient5", "httpcore5", "slf4j-api"),
              "dev.tollgate.agent.it.app.LlmCallsApp",
              List.of(
                  "http://127.0.0.1:" + llm.port() + "/v1/chat/completions",
                  "jdk-chat",
                  "okhttp-chat",
                  "apache5-chat"));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout() + r.stderr()).doesNotContain("Sharing is only supported");
      assertThat(r.stdout()).contains("jdk-chat status=200").contains("okhttp-chat status=200").contains("apache5-chat status=200");
      var spans = otlp.spans();
      assertThat(spans).as(name + " run's spans").hasSize(3);
      assertThat(spans)
          .extracting(s -> s.get(Tollgate.CLIENT))
          .containsExactlyInAnyOrder("jdk-httpclient", "okhttp", "apache-httpclient-5");
      assertThat(spans).allSatisfy(s -> assertThat(s.get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(8L));
      long bb;
      try (Stream<String> lines = Files.lines(classLog)) {
        bb = lines.filter(l -> l.contains("dev.tollgate.shaded.net.bytebuddy.")).count();
      }
      return new Run(r, bb);
    }
  }
}
