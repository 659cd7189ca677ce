package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestInspectorTest {
  private static final Recognizer R = new Recognizer(List.of());

  private static LlmCall inspect(String host, String path, String body) {
    return inspect(host, path, body, false);
  }

  private static LlmCall inspect(String host, String path, String body, boolean truncate) {
    Route route = R.recognize("https", host, 443, path);
    assertThat(route).isNotNull();
    LlmCall call = new LlmCall(route, host, 443, "t", 0);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    int len = truncate ? b.length / 2 : b.length;
    // The capture sits inside a bigger buffer, as the instrumentation's does.
    byte[] buf = new byte[len + 10];
    System.arraycopy(b, 0, buf, 5, len);
    RequestInspector.inspect(call, buf, 5, len, truncate);
    return call;
  }

  @Test
  void openAiChat() {
    LlmCall c =
        inspect(
            "api.openai.com",
            "/v1/chat/completions",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":100,"
                + "\"max_completion_tokens\":256}");
    assertThat(c.requestModel).isEqualTo("gpt-4o-mini");
    assertThat(c.stream).isTrue();
    assertThat(c.requestIncludeUsage).isTrue();
    assertThat(c.requestMaxTokens).as("max_completion_tokens wins").isEqualTo(256);
  }

  @Test
  void responsesAndAnthropicLimits() {
    LlmCall r =
        inspect(
            "api.openai.com",
            "/v1/responses",
            "{\"model\":\"o4-mini\",\"input\":\"hi\",\"max_output_tokens\":500,\"stream\":false}");
    assertThat(r.requestMaxTokens).isEqualTo(500);
    assertThat(r.stream).isFalse();
    LlmCall a =
        inspect(
            "api.anthropic.com",
            "/v1/messages",
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":512},\"messages\":[]}");
    assertThat(a.requestModel).isEqualTo("claude-sonnet-4-5");
    assertThat(a.requestMaxTokens).isEqualTo(1024);
    assertThat(a.stream).isTrue();
    assertThat(a.requestIncludeUsage).isFalse();
  }

  @Test
  @DisplayName("pitfall 14: Gemini's model and stream flag come from the URL")
  void gemini() {
    LlmCall c =
        inspect(
            "generativelanguage.googleapis.com",
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generationConfig\":{\"temperature\":0.2,\"maxOutputTokens\":2048}}");
    assertThat(c.requestModel).isEqualTo("gemini-2.5-flash");
    assertThat(c.stream).isTrue();
    assertThat(c.requestMaxTokens).isEqualTo(2048);
    LlmCall blocking =
        inspect(
            "generativelanguage.googleapis.com",
            "/v1beta/models/gemini-2.0-flash:generateContent",
            "{\"contents\":[],\"generation_config\":{\"max_output_tokens\":64}}");
    assertThat(blocking.stream).isFalse();
    assertThat(blocking.requestMaxTokens).isEqualTo(64);
  }

  @Test
  @DisplayName("pitfall 14: Azure's model is the deployment in the path")
  void azureDeployment() {
    LlmCall c =
        inspect(
            "contoso.openai.azure.com",
            "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
            "{\"messages\":[],\"stream\":true}");
    assertThat(c.requestModel).isEqualTo("gpt-4o-prod");
    assertThat(c.stream).isTrue();
  }

  @Test
  void ollamaDefaultsToStreaming() {
    Route route = new Route(Provider.OLLAMA, Route.Api.OLLAMA_CHAT, "chat", null, null);
    LlmCall absent = new LlmCall(route, "h", 1, "t", 0);
    byte[] b =
        "{\"model\":\"llama3.2\",\"messages\":[],\"options\":{\"num_predict\":42}}"
            .getBytes(StandardCharsets.UTF_8);
    RequestInspector.inspect(absent, b, 0, b.length, false);
    assertThat(absent.stream).as("Ollama's documented default").isTrue();
    assertThat(absent.requestModel).isEqualTo("llama3.2");
    assertThat(absent.requestMaxTokens).isEqualTo(42);

    LlmCall off = new LlmCall(route, "h", 1, "t", 0);
    byte[] f = "{\"model\":\"llama3.2\",\"stream\":false}".getBytes(StandardCharsets.UTF_8);
    RequestInspector.inspect(off, f, 0, f.length, false);
    assertThat(off.stream).isFalse();

    Route embed = new Route(Provider.OLLAMA, Route.Api.OLLAMA_EMBED, "embeddings", null, null);
    LlmCall e = new LlmCall(embed, "h", 1, "t", 0);
    byte[] eb = "{\"model\":\"all-minilm\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
    RequestInspector.inspect(e, eb, 0, eb.length, false);
    assertThat(e.stream).as("embed never streams").isFalse();
  }

  @Test
  void dify() {
    LlmCall s =
        inspect(
            "api.dify.ai",
            "/v1/chat-messages",
            "{\"inputs\":{},\"query\":\"hi\",\"response_mode\":\"streaming\",\"user\":\"abc-123\"}");
    assertThat(s.stream).isTrue();
    assertThat(s.requestModel).isNull();
    LlmCall b =
        inspect(
            "api.dify.ai",
            "/v1/workflows/run",
            "{\"inputs\":{\"text\":\"x\"},\"response_mode\":\"blocking\",\"user\":\"abc-123\"}");
    assertThat(b.stream).isFalse();
  }

  @Test
  @DisplayName("a truncated capture is read as far as it goes")
  void truncatedPrefix() {
    StringBuilder big = new StringBuilder("{\"model\":\"gpt-4o\",\"messages\":[");
    for (int i = 0; i < 2000; i++) {
      big.append("{\"role\":\"user\",\"content\":\"a long message number ")
          .append(i)
          .append("\"},");
    }
    big.append("{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}");
    LlmCall c = inspect("api.openai.com", "/v1/chat/completions", big.toString(), true);
    assertThat(c.requestModel).isEqualTo("gpt-4o");
    assertThat(c.stream).as("cut off before the flag").isFalse();

    Route route = new Route(Provider.OLLAMA, Route.Api.OLLAMA_CHAT, "chat", null, null);
    LlmCall o = new LlmCall(route, "h", 1, "t", 0);
    byte[] b = big.toString().getBytes(StandardCharsets.UTF_8);
    RequestInspector.inspect(o, b, 0, 1000, true);
    assertThat(o.stream).as("no default assumed for a truncated capture").isFalse();
  }

  @Test
  void garbageAndNullsNeverThrow() {
    LlmCall c = new LlmCall(null, "h", 1, "t", 0);
    RequestInspector.inspect(c, null, 0, 0, false);
    RequestInspector.inspect(null, new byte[] {1}, 0, 1, false);
    byte[] html = "<html>".getBytes(StandardCharsets.UTF_8);
    RequestInspector.inspect(c, html, 0, html.length, false);
    RequestInspector.inspect(c, html, 3, 100, false);
    assertThat(c.requestModel).isNull();
    assertThat(c.stream).isFalse();
  }
}
