package dev.tollgate.samples.fakellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The knobs, seen from a client: faults, outages, saturation and streaming, on a hand-run clock.
 */
@Timeout(60)
class KnobsOverHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private FakeLlmServer server;

  /** Delays that run only when the test says so, so nothing depends on real time. */
  static final class ManualDelays implements FakeLlmServer.Delays {
    record Task(long delayMs, Runnable run) {}

    final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();

    @Override
    public void schedule(long delayMs, Runnable task) {
      queue.add(new Task(delayMs, task));
    }

    Task next() throws InterruptedException {
      Task t = queue.poll(30, TimeUnit.SECONDS);
      if (t == null) {
        throw new AssertionError("the server scheduled nothing");
      }
      return t;
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode admin(String json) throws Exception {
    HttpResponse<String> r = post("/admin/config", json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private JsonNode stats() throws Exception {
    return JSON.readTree(
        client
            .send(
                HttpRequest.newBuilder(URI.create(url("/admin/stats"))).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static final String CHAT =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void rateLimitsComeAtTheConfiguredRateWithRetryAfter() throws Exception {
    server = FakeLlmServer.start(0, 8, Knobs.defaults().zeroLatency(), null);
    admin("{\"rate429\":0.5,\"retryAfterSeconds\":7}");
    post("/admin/reset", "");
    List<HttpResponse<String>> limited = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = post("/v1/chat/completions", CHAT);
      if (r.statusCode() == 429) {
        limited.add(r);
      } else {
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
    assertThat(limited).hasSize(5);
    HttpResponse<String> r = limited.get(0);
    assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("7s");
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(error.path("message").asText()).contains("gpt-4o");
    assertThat(stats().path("byStatus").path("429").asInt()).isEqualTo(5);

    admin("{\"rate429\":1}");
    HttpResponse<String> anthropic =
        post("/v1/messages", "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[]}");
    assertThat(anthropic.statusCode()).isEqualTo(429);
    assertThat(anthropic.headers().firstValue("retry-after")).hasValue("7");
    Instant reset =
        Instant.parse(
            anthropic.headers().firstValue("anthropic-ratelimit-requests-reset").orElseThrow());
    assertThat(reset).isAfter(Instant.now().minusSeconds(60));
    JsonNode body = JSON.readTree(anthropic.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo("rate_limit_error");
    HttpResponse<String> dify =
        post("/v1/chat-messages", "{\"query\":\"q\",\"inputs\":{},\"user\":\"u\"}");
    assertThat(dify.statusCode()).isEqualTo(429);
    assertThat(dify.headers().firstValue("retry-after"))
        .as("Dify sends no retry information")
        .isEmpty();
    assertThat(JSON.readTree(dify.body()).path("code").asText()).isEqualTo("too_many_requests");
  }

  @Test
  void serverErrorsSpeakEachProvidersShape() throws Exception {
    server =
        FakeLlmServer.start(
            0,
            8,
            Knobs.defaults().zeroLatency().with("errorRate", "1").with("errorStatus", "529"),
            null);
    HttpResponse<String> anthropic = post("/v1/messages", "{\"model\":\"c\",\"messages\":[]}");
    assertThat(anthropic.statusCode()).isEqualTo(529);
    assertThat(JSON.readTree(anthropic.body()).path("error").path("type").asText())
        .isEqualTo("overloaded_error");
    admin("{\"errorStatus\":500}");
    HttpResponse<String> openai = post("/v1/chat/completions", CHAT);
    assertThat(openai.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(openai.body()).path("error").path("type").asText())
        .isEqualTo("server_error");
    HttpResponse<String> dify = post("/v1/workflows/run", "{\"inputs\":{}}");
    assertThat(JSON.readTree(dify.body()).path("status").asInt()).isEqualTo(500);
  }

  @Test
  void outagesAnswer503OrResetTheConnectionUntilTurnedOff() throws Exception {
    server = FakeLlmServer.start(0, 8, Knobs.defaults().zeroLatency(), null);
    admin("{\"outage\":true}");
    HttpResponse<String> r = post("/v1/chat/completions", CHAT);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(post("/health", "").statusCode()).as("admin and health stay up").isNotEqualTo(503);

    admin("{\"outageMode\":\"reset\"}");
    assertThatThrownBy(() -> post("/v1/chat/completions", CHAT)).isInstanceOf(IOException.class);
    assertThat(stats().path("resets").asInt()).isEqualTo(1);

    admin("{\"outage\":false}");
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);

    JsonNode config = admin("{\"outageMode\":\"503\",\"outageForSeconds\":3600}");
    assertThat(config.path("outageWindows")).hasSize(1);
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(503);
    admin("{\"outageWindows\":[]}");
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
  }

  @Test
  void badAdminInputIsRejectedAndChangesNothing() throws Exception {
    server = FakeLlmServer.start(0, 8, Knobs.defaults(), null);
    HttpResponse<String> r = post("/admin/config", "{\"rate429\":3}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(server.knobs().rate429()).isZero();
  }

  @Test
  void latencyGrowsPastTheKneeByTheSaturationFormula() throws Exception {
    ManualDelays delays = new ManualDelays();
    Knobs k =
        Knobs.defaults()
            .zeroLatency()
            .with("latencyMs", "100")
            .with("perTokenMs", "0")
            .with("knee", "2")
            .with("saturationExponent", "1");
    server = FakeLlmServer.start(0, 8, k, delays);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    List<Long> scheduled = new ArrayList<>();
    List<ManualDelays.Task> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                  .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      ManualDelays.Task t = delays.next(); // the answer of request i, waiting on the clock
      tasks.add(t);
      scheduled.add(t.delayMs());
    }
    // In flight 1, 2, 3, 4 with knee 2: multipliers 1, 1, 1.5, 2.
    assertThat(scheduled).containsExactly(100L, 100L, 150L, 200L);
    assertThat(stats().path("inflight").asInt()).isEqualTo(4);
    for (ManualDelays.Task t : tasks) {
      t.run().run();
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(stats().path("maxInflight").asInt()).isEqualTo(4);
  }

  @Test
  void streamingEventsAreWrittenAndFlushedOneAtATime() throws Exception {
    ManualDelays delays = new ManualDelays();
    Knobs k =
        Knobs.defaults()
            .zeroLatency()
            .with("ttftMs", "300")
            .with("perTokenMs", "20")
            .with("outputTokens", "3");
    server = FakeLlmServer.start(0, 8, k, delays);
    CompletableFuture<HttpResponse<InputStream>> call =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    ManualDelays.Task first = delays.next();
    assertThat(first.delayMs()).isEqualTo(300); // time to first token
    first.run().run();
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(call.get(30, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8));
    // The role chunk and the first token are due together; nothing more was written yet.
    assertThat(readEvent(reader)).contains("\"role\":\"assistant\"");
    assertThat(readEvent(reader)).contains("\"content\":\"The\"");
    ManualDelays.Task second = delays.next();
    assertThat(second.delayMs()).isEqualTo(20);
    second.run().run();
    assertThat(readEvent(reader)).contains("\"content\":\" fake\"");
    delays.next().run().run();
    assertThat(readEvent(reader)).contains("\"content\":\" model\"");
    assertThat(readEvent(reader)).contains("\"finish_reason\":\"stop\"");
    assertThat(readEvent(reader)).contains("\"usage\":{\"prompt_tokens\"");
    assertThat(readEvent(reader)).isEqualTo("data: [DONE]");
    assertThat(reader.readLine()).isNull();
    assertThat(delays.queue).isEmpty();
  }

  /** Reads one event block; blocks until the server has written it. */
  private static String readEvent(BufferedReader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String line; (line = r.readLine()) != null; ) {
      if (line.isEmpty()) {
        return sb.toString();
      }
      sb.append(line);
    }
    throw new AssertionError("stream ended inside an event: " + sb);
  }
}
