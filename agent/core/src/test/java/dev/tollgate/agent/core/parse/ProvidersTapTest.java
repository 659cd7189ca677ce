package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Azure OpenAI, DeepSeek, vLLM and Ollama: the OpenAI format's variants and Ollama's own. */
class ProvidersTapTest {

  @Test
  @DisplayName("pitfalls 5, 18: Azure's empty first chunk and content-filter chunks")
  void azureStream() {
    TapRun t =
        TapRun.of(
                "https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions"
                    + "?api-version=2024-10-21")
            .sse()
            .stream()
            .fixture("azure/chat-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.provider).isEqualTo(Provider.AZURE_OPENAI);
    assertThat(c.route.pathModel).isEqualTo("gpt-4o-prod");
    // "model": "" in the first and the content-filter chunks must not erase the model.
    assertThat(c.responseModel).isEqualTo("gpt-4o-2024-11-20");
    assertThat(c.responseId).isEqualTo("chatcmpl-CBqCOFjtLS6MnIjeak1IU4lz9eX6J");
    assertThat(c.inputTokens).isEqualTo(14);
    assertThat(c.outputTokens).isEqualTo(3);
    assertThat(c.finishReason).isEqualTo("stop");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"content\":\"Hi\"");
  }

  @Test
  @DisplayName("pitfall 13: Azure's error code is the string \"429\"")
  void azure429() {
    LlmCall c =
        TapRun.of(
                "https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions")
            .status(429)
            .json()
            .fixture("azure/error-429.json")
            .run();
    assertThat(c.errorCode).isEqualTo("429");
  }

  @Test
  void azureContentFilter400() {
    LlmCall c =
        TapRun.of(
                "https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions")
            .status(400)
            .json()
            .fixture("azure/error-400-content-filter.json")
            .run();
    assertThat(c.errorCode).isEqualTo("content_filter");
  }

  @Test
  @DisplayName(
      "pitfalls 1, 5, 7, 18: DeepSeek keep-alives, empty first reasoning, usage on last chunk")
  void deepSeekReasonerStream() {
    TapRun t =
        TapRun.of("https://api.deepseek.com/chat/completions").sse().stream()
            .fixture("deepseek/reasoner-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.provider).isEqualTo(Provider.DEEPSEEK);
    assertThat(c.responseModel).isEqualTo("deepseek-reasoner");
    assertThat(c.inputTokens).isEqualTo(1100);
    assertThat(c.cacheReadTokens).isEqualTo(1024);
    assertThat(c.outputTokens).isEqualTo(190);
    assertThat(c.reasoningTokens).isEqualTo(171);
    assertThat(c.complete).isTrue();
    // The first chunk is the first non-empty reasoning text, not the empty role chunk.
    t.assertFirstChunkAt(c, "嗯，用户");
  }

  @Test
  @DisplayName("pitfalls 1, 9: DeepSeek queued blocking body with leading blank lines")
  void deepSeekQueuedBlocking() {
    LlmCall c =
        TapRun.of("https://api.deepseek.com/chat/completions")
            .json()
            .fixture("deepseek/chat-blocking-queued.json")
            .run();
    assertThat(c.responseModel).isEqualTo("deepseek-chat");
    assertThat(c.inputTokens).isEqualTo(64);
    assertThat(c.outputTokens).isEqualTo(10);
    assertThat(c.cacheReadTokens).as("prompt_cache_hit_tokens").isEqualTo(48);
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfalls 7, 14, 19: data: without a space, model with '/', null details")
  void vllmStream() {
    TapRun t =
        TapRun.of("http://vllm.internal:8000/v1/chat/completions").sse().stream()
            .fixture("vllm/chat-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.provider).isEqualTo(Provider.OPENAI_COMPATIBLE);
    assertThat(c.responseModel).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(c.inputTokens).isEqualTo(12);
    assertThat(c.outputTokens).isEqualTo(3);
    assertThat(c.cacheReadTokens).as("prompt_tokens_details: null").isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.reasoningTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"content\":\"Hello\"");
  }

  @Test
  void vllmEmbeddingsIgnoreCompletionTokens() {
    LlmCall c =
        TapRun.of("http://vllm.internal:8000/v1/embeddings")
            .json()
            .fixture("vllm/embeddings.json")
            .run();
    assertThat(c.responseModel).isEqualTo("BAAI/bge-m3");
    assertThat(c.inputTokens).isEqualTo(7);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
  }

  @Test
  void vllmErrorBody() {
    LlmCall c =
        TapRun.of("http://vllm.internal:8000/v1/chat/completions")
            .status(400)
            .json()
            .fixture("vllm/error-400.json")
            .run();
    assertThat(c.errorCode).isEqualTo("BadRequestError");
  }

  @Test
  @DisplayName("pitfall 5: Ollama's /v1 leaves the usage key out")
  void ollamaOpenAiCompatibleStream() {
    LlmCall c =
        TapRun.of("http://localhost:11434/v1/chat/completions").sse().stream()
            .fixture("ollama/v1-chat-stream.sse")
            .run();
    assertThat(c.responseModel).isEqualTo("llama3.2");
    assertThat(c.unmetered()).isTrue();
    assertThat(c.complete).isTrue();
    assertThat(c.firstChunkNanos).isNotZero();
  }

  @Test
  @DisplayName("pitfall 14: Ollama NDJSON chat, model name with ':', thinking is content")
  void ollamaNativeChatStream() {
    TapRun t =
        TapRun.of("http://localhost:11434/api/chat").contentType("application/x-ndjson").stream()
            .fixture("ollama/chat-stream.ndjson");
    LlmCall c = t.run();
    assertThat(c.route.provider).isEqualTo(Provider.OLLAMA);
    assertThat(c.route.api).isEqualTo(Route.Api.OLLAMA_CHAT);
    assertThat(c.responseModel).isEqualTo("qwen3:8b");
    assertThat(c.inputTokens).isEqualTo(26);
    assertThat(c.outputTokens).isEqualTo(282);
    assertThat(c.finishReason).isEqualTo("stop");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"thinking\":\"Okay\"");
  }

  @Test
  void ollamaStreamServedAsApplicationJson() {
    // Older Ollama builds and some proxies label the NDJSON stream application/json.
    TapRun t =
        TapRun.of("http://localhost:11434/api/chat")
            .contentType("application/json; charset=utf-8")
            .stream()
            .fixture("ollama/chat-stream.ndjson");
    LlmCall c = t.run();
    assertThat(c.inputTokens).isEqualTo(26);
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"thinking\":\"Okay\"");
  }

  @Test
  @DisplayName("pitfall 19: Ollama omits prompt_eval_count on a KV-cache hit: unknown, not 0")
  void ollamaGenerateCacheHit() {
    TapRun t =
        TapRun.of("http://localhost:11434/api/generate")
            .contentType("application/x-ndjson")
            .stream()
            .fixture("ollama/generate-stream-cache-hit.ndjson");
    LlmCall c = t.run();
    assertThat(c.route.operation).isEqualTo("text_completion");
    assertThat(c.responseModel).isEqualTo("llama3.2:3b");
    assertThat(c.inputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.outputTokens).isEqualTo(3);
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"response\":\"Hi\"");
  }

  @Test
  @DisplayName("pitfall 10: Ollama {\"error\": ...} line ends the stream")
  void ollamaErrorLine() {
    LlmCall c =
        TapRun.of("http://localhost:11434/api/chat").contentType("application/x-ndjson").stream()
            .fixture("ollama/chat-stream-error.ndjson")
            .run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode)
        .isEqualTo("an error was encountered while running the model: unexpected EOF");
    assertThat(c.complete).isFalse();
  }

  @Test
  void ollamaBlockingChat() {
    LlmCall c =
        TapRun.of("http://localhost:11434/api/chat")
            .contentType("application/json; charset=utf-8")
            .fixture("ollama/chat-blocking.json")
            .run();
    assertThat(c.inputTokens).isEqualTo(26);
    assertThat(c.outputTokens).isEqualTo(298);
    assertThat(c.firstChunkNanos).isZero();
    assertThat(c.complete).isTrue();
  }

  @Test
  void ollamaEmbed() {
    LlmCall c =
        TapRun.of("http://localhost:11434/api/embed")
            .contentType("application/json; charset=utf-8")
            .fixture("ollama/embed.json")
            .run();
    assertThat(c.route.operation).isEqualTo("embeddings");
    assertThat(c.responseModel).isEqualTo("all-minilm");
    assertThat(c.inputTokens).isEqualTo(8);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
  }

  @Test
  @DisplayName("pitfall 13: native Ollama errors are a plain string")
  void ollamaNotFound() {
    LlmCall c =
        TapRun.of("http://localhost:11434/api/chat").status(404).json().stream()
            .fixture("ollama/error-404.json")
            .run();
    assertThat(c.errorCode).isEqualTo("model \"llama9\" not found, try pulling it first");
  }
}
