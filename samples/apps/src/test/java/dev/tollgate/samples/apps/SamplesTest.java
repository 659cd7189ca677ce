package dev.tollgate.samples.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.samples.fakellm.FakeLlmMain;
import dev.tollgate.samples.fakellm.FakeLlmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every sample against the fake server: the same answer through every client. */
@Timeout(60)
class SamplesTest {
  /** "The fake model answers" is 4 output tokens; the prompt "hello" 2 input tokens. */
  private static final String ANSWER = "The fake model answers";

  private static FakeLlmServer llm;
  private static String base;

  interface Sample {
    void run(Cli cli, PrintStream out) throws Exception;
  }

  @BeforeAll
  static void start() throws Exception {
    llm = FakeLlmMain.launch("--zero-latency", "--output-tokens", "4", "--per-token-ms", "1");
    base = "http://127.0.0.1:" + llm.port() + "/v1";
  }

  @AfterAll
  static void stop() throws Exception {
    llm.close();
  }

  private static String run(Sample sample, String... extra) throws Exception {
    String[] args = new String[extra.length + 4];
    args[0] = "--base-url";
    args[1] = base;
    args[2] = "--prompt";
    args[3] = "hello";
    System.arraycopy(extra, 0, args, 4, extra.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sample.run(new Cli(args, Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void assertChat(String out) {
    assertThat(out).contains("blocking: " + ANSWER + " (tokens in 2, out 4)");
    assertThat(out).contains("streaming: " + ANSWER + " (tokens in 2, out 4)");
  }

  @Test
  void jdkHttpClient() throws Exception {
    assertChat(run(JdkHttpClientChat::run));
  }

  @Test
  void httpUrlConnection() throws Exception {
    assertChat(run(UrlConnectionChat::run));
  }

  @Test
  void okHttp() throws Exception {
    assertChat(run(OkHttpChat::run));
  }

  @Test
  void apacheHttpClient() throws Exception {
    assertChat(run(ApacheChat::run));
  }

  @Test
  void difyWorkflow() throws Exception {
    assertThat(run(DifyWorkflowClient::run))
        .contains("workflow: " + ANSWER + " (succeeded, total tokens 6)");
  }

  @Test
  void modeAndErrors() throws Exception {
    assertThat(run(JdkHttpClientChat::run, "--mode", "streaming")).doesNotContain("blocking:");
    assertThatThrownBy(() -> JdkHttpClientChat.run(new Cli(new String[] {}, Map.of()), System.out))
        .hasMessageContaining("LLM_BASE_URL");
  }

  @Test
  void sampleServiceAnswersBlockingAndStreamingAndPassesErrorsOn() throws Exception {
    try (SampleService service =
        new SampleService(new Cli(new String[] {"--base-url", base}, Map.of()))) {
      HttpClient client = HttpClient.newHttpClient();
      for (String query : new String[] {"", "?stream=true"}) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + "/ask" + query))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"hello\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Llm.parse(r.body());
        assertThat(body.path("answer").asText()).isEqualTo(ANSWER);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("streamed").asBoolean()).isEqualTo(!query.isEmpty());
      }
    }
    try (FakeLlmServer limited = FakeLlmMain.launch("--zero-latency", "--rate-429", "1");
        SampleService service =
            new SampleService(
                new Cli(
                    new String[] {"--base-url", "http://127.0.0.1:" + limited.port()}, Map.of()))) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/ask"))
                      .POST(HttpRequest.BodyPublishers.ofString("plain text works too"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("rate_limit_exceeded");
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (SampleService service =
        new SampleService(
            new Cli(new String[] {"--base-url", "http://127.0.0.1:" + closed}, Map.of()))) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/ask"))
                      .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"x\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(502);
    }
  }
}
