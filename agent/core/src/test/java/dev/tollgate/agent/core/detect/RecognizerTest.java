package dev.tollgate.agent.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.call.Route.Api;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecognizerTest {
  private static final Recognizer WELL_KNOWN = new Recognizer(List.of());

  private static final Recognizer CONFIGURED =
      new Recognizer(
          List.of(
              new EndpointConfig("dify-prod", "https://dify.internal/v1", Provider.DIFY),
              new EndpointConfig("dify-root", "http://dify.local:5001", Provider.DIFY),
              new EndpointConfig("dify-api", "https://dify.corp/api/", Provider.DIFY),
              new EndpointConfig(
                  "llm-gw", "http://gateway.corp:4000/v1", Provider.OPENAI_COMPATIBLE),
              new EndpointConfig("ds", "https://api.deepseek.com", Provider.DEEPSEEK),
              new EndpointConfig(
                  "azure-east", "https://east.openai.azure.com", Provider.AZURE_OPENAI),
              new EndpointConfig("openai-proxy", "https://proxy.corp/openai", Provider.OPENAI),
              new EndpointConfig("gpu-box", "http://gpu-box:11434", Provider.OLLAMA),
              new EndpointConfig("gemini-gw", "https://gw.corp/gemini", Provider.GEMINI)));

  /** url, provider, api, pathModel (or null), endpoint name (or null). */
  static Stream<Arguments> positives() {
    return Stream.of(
        // well-known hosts
        hit("https://api.openai.com/v1/chat/completions", Provider.OPENAI, Api.OPENAI_CHAT),
        hit("https://API.OpenAI.com/v1/chat/completions?x=1", Provider.OPENAI, Api.OPENAI_CHAT),
        hit("https://api.openai.com/v1/chat/completions/", Provider.OPENAI, Api.OPENAI_CHAT),
        hit("https://api.openai.com/v1/completions", Provider.OPENAI, Api.OPENAI_COMPLETIONS),
        hit("https://api.openai.com/v1/responses", Provider.OPENAI, Api.OPENAI_RESPONSES),
        hit("https://api.openai.com/v1/embeddings", Provider.OPENAI, Api.OPENAI_EMBEDDINGS),
        hit("https://api.anthropic.com/v1/messages", Provider.ANTHROPIC, Api.ANTHROPIC_MESSAGES),
        hit("https://api.anthropic.com/v1/chat/completions", Provider.ANTHROPIC, Api.OPENAI_CHAT),
        hit("https://api.deepseek.com/chat/completions", Provider.DEEPSEEK, Api.OPENAI_CHAT),
        hit("https://api.deepseek.com/v1/chat/completions", Provider.DEEPSEEK, Api.OPENAI_CHAT),
        hit("https://api.deepseek.com/beta/completions", Provider.DEEPSEEK, Api.OPENAI_COMPLETIONS),
        hit(
            "https://api.deepseek.com/anthropic/v1/messages",
            Provider.DEEPSEEK,
            Api.ANTHROPIC_MESSAGES),
        hit(
            "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
                + "?api-version=2024-10-21",
            Provider.AZURE_OPENAI,
            Api.OPENAI_CHAT,
            "gpt-4o",
            null),
        hit(
            "https://contoso.openai.azure.com/openai/deployments/emb-large/embeddings?api-version=1",
            Provider.AZURE_OPENAI,
            Api.OPENAI_EMBEDDINGS,
            "emb-large",
            null),
        hit(
            "https://contoso.openai.azure.com/openai/deployments/instruct/completions",
            Provider.AZURE_OPENAI,
            Api.OPENAI_COMPLETIONS,
            "instruct",
            null),
        hit(
            "https://contoso.openai.azure.com/openai/v1/chat/completions",
            Provider.AZURE_OPENAI,
            Api.OPENAI_CHAT),
        hit(
            "https://contoso.openai.azure.com/openai/v1/responses",
            Provider.AZURE_OPENAI,
            Api.OPENAI_RESPONSES),
        hit(
            "https://contoso.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
            Provider.AZURE_OPENAI,
            Api.OPENAI_RESPONSES),
        hit(
            "https://my-res.cognitiveservices.azure.com/openai/deployments/o4-mini/chat/completions",
            Provider.AZURE_OPENAI,
            Api.OPENAI_CHAT,
            "o4-mini",
            null),
        hit(
            "https://proj.services.ai.azure.com/openai/v1/responses",
            Provider.AZURE_OPENAI,
            Api.OPENAI_RESPONSES),
        // Azure AI Foundry's model inference API is not under /openai/: recognized by shape
        hit(
            "https://proj.services.ai.azure.com/models/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit(
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
            Provider.GEMINI,
            Api.GEMINI_GENERATE,
            "gemini-2.5-flash",
            null),
        hit(
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            Provider.GEMINI,
            Api.GEMINI_GENERATE,
            "gemini-2.5-flash",
            null),
        hit(
            "https://generativelanguage.googleapis.com/v1/tunedModels/my-model-123:generateContent",
            Provider.GEMINI,
            Api.GEMINI_GENERATE,
            "tunedModels/my-model-123",
            null),
        hit(
            "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:embedContent",
            Provider.GEMINI,
            Api.GEMINI_EMBED,
            "text-embedding-004",
            null),
        hit(
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents",
            Provider.GEMINI,
            Api.GEMINI_EMBED,
            "gemini-embedding-001",
            null),
        hit(
            "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
            Provider.GEMINI,
            Api.OPENAI_CHAT),
        hit("https://api.dify.ai/v1/chat-messages", Provider.DIFY, Api.DIFY_CHAT),
        hit("https://api.dify.ai/v1/completion-messages", Provider.DIFY, Api.DIFY_COMPLETION),
        hit("https://api.dify.ai/v1/workflows/run", Provider.DIFY, Api.DIFY_WORKFLOW),
        hit(
            "https://api.dify.ai/v1/workflows/4bc2e3f1-aa13-4e7c-9a43-13c0a1b5f3f1/run",
            Provider.DIFY,
            Api.DIFY_WORKFLOW),
        // unknown hosts, by path shape
        hit(
            "http://vllm.internal:8000/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit(
            "http://gw.internal/openai/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit(
            "https://openrouter.ai/api/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit(
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit("http://gw.internal/chat/completions", Provider.OPENAI_COMPATIBLE, Api.OPENAI_CHAT),
        hit(
            "http://gw.internal/v1/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_COMPLETIONS),
        hit("http://gw.internal/v1/responses", Provider.OPENAI_COMPATIBLE, Api.OPENAI_RESPONSES),
        hit("http://gw.internal/v1/embeddings", Provider.OPENAI_COMPATIBLE, Api.OPENAI_EMBEDDINGS),
        hit("http://gw.internal/v1/messages", Provider.ANTHROPIC, Api.ANTHROPIC_MESSAGES),
        hit(
            "http://gw.internal/openai/deployments/gpt4/chat/completions",
            Provider.AZURE_OPENAI,
            Api.OPENAI_CHAT,
            "gpt4",
            null),
        hit("http://localhost:11434/api/chat", Provider.OLLAMA, Api.OLLAMA_CHAT),
        hit("http://localhost:11434/api/generate", Provider.OLLAMA, Api.OLLAMA_GENERATE),
        hit("http://localhost:11434/api/embed", Provider.OLLAMA, Api.OLLAMA_EMBED),
        hit("http://localhost:11434/api/embeddings", Provider.OLLAMA, Api.OLLAMA_EMBED),
        hit(
            "http://localhost:11434/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT),
        hit("http://dify.other/v1/chat-messages", Provider.DIFY, Api.DIFY_CHAT),
        hit("http://dify.other/api/v1/workflows/run", Provider.DIFY, Api.DIFY_WORKFLOW),
        hit(
            "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:streamGenerateContent",
            Provider.GEMINI,
            Api.GEMINI_GENERATE,
            "gemini-2.0-flash",
            null));
  }

  static Stream<Arguments> configuredPositives() {
    return Stream.of(
        hit(
            "https://dify.internal/v1/chat-messages",
            Provider.DIFY,
            Api.DIFY_CHAT,
            null,
            "dify-prod"),
        hit(
            "https://DIFY.Internal/v1/workflows/run",
            Provider.DIFY,
            Api.DIFY_WORKFLOW,
            null,
            "dify-prod"),
        hit(
            "https://dify.internal:443/v1/completion-messages",
            Provider.DIFY,
            Api.DIFY_COMPLETION,
            null,
            "dify-prod"),
        // base path differs from where the API lives
        hit(
            "http://dify.local:5001/v1/chat-messages",
            Provider.DIFY,
            Api.DIFY_CHAT,
            null,
            "dify-root"),
        hit("https://dify.corp/v1/chat-messages", Provider.DIFY, Api.DIFY_CHAT, null, "dify-api"),
        hit(
            "https://dify.corp/api/workflows/run",
            Provider.DIFY,
            Api.DIFY_WORKFLOW,
            null,
            "dify-api"),
        hit(
            "http://gateway.corp:4000/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT,
            null,
            "llm-gw"),
        hit(
            "http://gateway.corp:4000/v1/embeddings",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_EMBEDDINGS,
            null,
            "llm-gw"),
        hit(
            "http://gateway.corp:4000/v1/messages",
            Provider.OPENAI_COMPATIBLE,
            Api.ANTHROPIC_MESSAGES,
            null,
            "llm-gw"),
        // a configured endpoint wins over the well-known host
        hit(
            "https://api.deepseek.com/chat/completions",
            Provider.DEEPSEEK,
            Api.OPENAI_CHAT,
            null,
            "ds"),
        hit(
            "https://east.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
            Provider.AZURE_OPENAI,
            Api.OPENAI_CHAT,
            "gpt-4o-mini",
            "azure-east"),
        hit(
            "https://proxy.corp/openai/chat/completions",
            Provider.OPENAI,
            Api.OPENAI_CHAT,
            null,
            "openai-proxy"),
        hit(
            "https://proxy.corp/openai/responses",
            Provider.OPENAI,
            Api.OPENAI_RESPONSES,
            null,
            "openai-proxy"),
        hit(
            "https://proxy.corp/openai/embeddings",
            Provider.OPENAI,
            Api.OPENAI_EMBEDDINGS,
            null,
            "openai-proxy"),
        hit("http://gpu-box:11434/api/chat", Provider.OLLAMA, Api.OLLAMA_CHAT, null, "gpu-box"),
        hit(
            "http://gpu-box:11434/v1/chat/completions",
            Provider.OLLAMA,
            Api.OPENAI_CHAT,
            null,
            "gpu-box"),
        hit(
            "https://gw.corp/gemini/v1beta/models/gemini-2.5-pro:generateContent",
            Provider.GEMINI,
            Api.GEMINI_GENERATE,
            "gemini-2.5-pro",
            "gemini-gw"),
        // not this endpoint (other scheme / port): recognized by shape, without an endpoint name
        hit("http://dify.internal/v1/chat-messages", Provider.DIFY, Api.DIFY_CHAT, null, null),
        hit(
            "http://gateway.corp:4001/v1/chat/completions",
            Provider.OPENAI_COMPATIBLE,
            Api.OPENAI_CHAT,
            null,
            null));
  }

  static Stream<String> negatives() {
    return Stream.of(
        "https://api.openai.com/v1/models",
        "https://api.openai.com/v1/files",
        "https://api.openai.com/v1/files/file-abc123/content",
        "https://api.openai.com/v1/audio/transcriptions",
        "https://api.openai.com/v1/images/generations",
        "https://api.openai.com/v1/messages",
        "https://api.openai.com/v1/chat/completions/chatcmpl-abc/messages",
        "https://api.anthropic.com/v1/models",
        "https://api.anthropic.com/v1/messages/count_tokens",
        "https://api.anthropic.com/v1/messages/batches",
        "https://api.deepseek.com/models",
        "https://api.deepseek.com/user/balance",
        "https://generativelanguage.googleapis.com/v1beta/models",
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash",
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens",
        "https://generativelanguage.googleapis.com/upload/v1beta/files",
        "https://api.dify.ai/v1/messages?conversation_id=abc&user=u",
        "https://api.dify.ai/v1/files/upload",
        "https://api.dify.ai/v1/chat-messages/task-123/stop",
        "https://api.dify.ai/v1/workflows/logs",
        "https://api.dify.ai/v1/parameters",
        "https://contoso.openai.azure.com/openai/deployments/dalle3/images/generations",
        "https://contoso.openai.azure.com/openai/deployments/tts/audio/speech",
        "https://contoso.openai.azure.com/openai/models",
        "https://my-res.cognitiveservices.azure.com/vision/v3.2/analyze",
        "http://localhost:11434/api/tags",
        "http://localhost:11434/api/pull",
        "http://localhost:11434/api/show",
        "http://localhost:11434/api/ps",
        "http://vllm.internal:8000/v1/models",
        "http://vllm.internal:8000/health",
        "http://vllm.internal:8000/metrics",
        "http://vllm.internal:8000/tokenize",
        "http://example.com/chat",
        "http://example.com/",
        "http://example.com",
        "http://example.com/api/chat/history",
        "http://example.com/v1/chat",
        "http://example.com/completions",
        "http://example.com/embeddings",
        "http://example.com/v1/chat/completionsX",
        "http://example.com/search?q=/v1/chat/completions",
        "http://example.com/orders/123:cancel",
        "http://example.com/models/x:predict",
        "http://example.com/run",
        "http://example.com/workflows//run",
        "https://dify.internal/v1/files/upload",
        "http://gateway.corp:4000/v1/models",
        "http://gpu-box:11434/api/tags");
  }

  /**
   * Shapes a configured endpoint's provider does not serve (on an unknown host they would match).
   */
  static Stream<String> configuredNegatives() {
    return Stream.of(
        "https://dify.internal/v1/messages", // Dify's GET history, not Anthropic
        "https://dify.internal/v1/chat/completions",
        "https://proxy.corp/openai/v1/messages",
        "http://gpu-box:11434/v1beta/models/gemma:generateContent");
  }

  private static Arguments hit(String url, Provider p, Api api) {
    return Arguments.of(url, p, api, null, null);
  }

  private static Arguments hit(String url, Provider p, Api api, String model, String endpoint) {
    return Arguments.of(url, p, api, model, endpoint);
  }

  static Route recognize(Recognizer r, String url) {
    URI u = URI.create(url);
    int port = u.getPort();
    String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    return r.recognize(u.getScheme(), u.getHost(), port, path);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("positives")
  void recognizes(String url, Provider provider, Api api, String model, String endpoint) {
    for (Recognizer r : new Recognizer[] {WELL_KNOWN, CONFIGURED}) {
      Route route = recognize(r, url);
      if (r == CONFIGURED && url.contains("api.deepseek.com")) {
        continue; // configured there; see configuredPositives
      }
      assertThat(route).as(url).isNotNull();
      assertThat(route.provider).as(url).isEqualTo(provider);
      assertThat(route.api).as(url).isEqualTo(api);
      assertThat(route.pathModel).as(url).isEqualTo(model);
      assertThat(route.endpointName).as(url).isEqualTo(endpoint);
      assertThat(route.operation).isEqualTo(Recognizer.operation(api));
      assertThat(route.streamingPath).isEqualTo(url.contains(":streamGenerateContent"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configuredPositives")
  void recognizesConfigured(String url, Provider provider, Api api, String model, String endpoint) {
    Route route = recognize(CONFIGURED, url);
    assertThat(route).as(url).isNotNull();
    assertThat(route.provider).as(url).isEqualTo(provider);
    assertThat(route.api).as(url).isEqualTo(api);
    assertThat(route.pathModel).as(url).isEqualTo(model);
    assertThat(route.endpointName).as(url).isEqualTo(endpoint);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("negatives")
  void ignores(String url) {
    assertThat(recognize(WELL_KNOWN, url)).as(url).isNull();
    assertThat(recognize(CONFIGURED, url)).as(url).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configuredNegatives")
  void ignoresShapesTheConfiguredProviderDoesNotServe(String url) {
    assertThat(recognize(CONFIGURED, url)).as(url).isNull();
    assertThat(recognize(WELL_KNOWN, url)).as(url).isNotNull();
  }

  @Test
  void operations() {
    assertThat(Recognizer.operation(Api.OPENAI_CHAT)).isEqualTo("chat");
    assertThat(Recognizer.operation(Api.OPENAI_COMPLETIONS)).isEqualTo("text_completion");
    assertThat(Recognizer.operation(Api.GEMINI_GENERATE)).isEqualTo("generate_content");
    assertThat(Recognizer.operation(Api.GEMINI_EMBED)).isEqualTo("embeddings");
    assertThat(Recognizer.operation(Api.DIFY_CHAT)).isEqualTo("chat");
    assertThat(Recognizer.operation(Api.DIFY_COMPLETION)).isEqualTo("text_completion");
    assertThat(Recognizer.operation(Api.DIFY_WORKFLOW)).isEqualTo("invoke_workflow");
  }

  @Test
  void oddArguments() {
    assertThat(WELL_KNOWN.recognize("https", null, 443, "/v1/chat/completions")).isNull();
    assertThat(WELL_KNOWN.recognize("https", "api.openai.com", 443, null)).isNull();
    assertThat(WELL_KNOWN.recognize(null, "api.openai.com", -1, "/v1/chat/completions"))
        .isNotNull();
    assertThat(WELL_KNOWN.recognize("https", "", 0, "")).isNull();
    assertThat(new Recognizer(null).recognize("https", "api.openai.com", 443, "/v1/responses"))
        .isNotNull();
    // -1 / 0 mean "the scheme's default port"
    assertThat(CONFIGURED.recognize("https", "dify.internal", -1, "/v1/chat-messages").endpointName)
        .isEqualTo("dify-prod");
  }

  @Test
  @DisplayName("routes without a path model are shared, not rebuilt per call")
  void routesAreShared() {
    Route a = recognize(WELL_KNOWN, "https://api.openai.com/v1/chat/completions");
    Route b = recognize(WELL_KNOWN, "https://api.openai.com/v1/chat/completions?x");
    assertThat(a).isSameAs(b);
    Route c = recognize(CONFIGURED, "https://dify.internal/v1/chat-messages");
    assertThat(c).isSameAs(recognize(CONFIGURED, "https://dify.internal/v1/chat-messages"));
  }

  @Test
  @DisplayName("the miss path allocates nothing (measured with the thread's allocation counter)")
  void missPathDoesNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(mx.isThreadAllocatedMemorySupported());
    mx.setThreadAllocatedMemoryEnabled(true);
    String[][] misses = {
      {"https", "internal-billing.corp.example", "/api/v2/invoices/123?expand=lines"},
      {"https", "API.OPENAI.COM", "/v1/files"},
      {"http", "gateway.corp", "/v1/models"},
      {"https", "dify.internal", "/v1/conversations"},
      {"https", "contoso.openai.azure.com", "/openai/deployments/x/images/generations"},
      {"https", "generativelanguage.googleapis.com", "/v1beta/models/gemini:countTokens"},
    };
    int sink = 0;
    for (int i = 0; i < 20_000; i++) { // warm up
      for (String[] m : misses) {
        sink += CONFIGURED.recognize(m[0], m[1], 443, m[2]) == null ? 1 : 0;
      }
    }
    long tid = Thread.currentThread().getId();
    // The least of three rounds: a per-call allocation (16 bytes at the very least) would add
    // close to a megabyte to every round of 60,000 misses, while a one-off event in this thread
    // (a recompilation falling back to the interpreter for a moment) shows in one round only.
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 10_000; i++) {
        for (String[] m : misses) {
          sink += CONFIGURED.recognize(m[0], m[1], 443, m[2]) == null ? 1 : 0;
        }
      }
      allocated = Math.min(allocated, mx.getThreadAllocatedBytes(tid) - before);
    }
    assertThat(sink).isEqualTo(50_000 * misses.length);
    // 60,000 misses a round; allow for the counter call itself, never a per-call allocation.
    assertThat(allocated).isLessThan(4096);
  }

  @Test
  void endpointConfigParsesOnce() {
    EndpointConfig e = new EndpointConfig("d", "HTTPS://Dify.Internal/v1/", Provider.DIFY);
    assertThat(e.getScheme()).isEqualTo("https");
    assertThat(e.getHost()).isEqualTo("dify.internal");
    assertThat(e.getPort()).isEqualTo(443);
    assertThat(e.getPathPrefix()).isEqualTo("/v1");
    assertThat(e.getName()).isEqualTo("d");
    assertThat(e.getProvider()).isEqualTo(Provider.DIFY);
    EndpointConfig v6 = new EndpointConfig("o", "http://[::1]:11434", Provider.OLLAMA);
    assertThat(v6.getHost()).isEqualTo("::1");
    assertThat(v6.getPort()).isEqualTo(11434);
    assertThat(v6.getPathPrefix()).isEmpty();
    assertThatThrownBy(() -> new EndpointConfig("x", "dify.internal/v1", Provider.DIFY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EndpointConfig("x", "ftp://h/v1", Provider.DIFY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EndpointConfig("x", "http://h /v1", Provider.DIFY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EndpointConfig(null, "http://h", Provider.DIFY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
