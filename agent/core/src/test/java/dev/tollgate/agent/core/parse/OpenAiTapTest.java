package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenAiTapTest {
  private static final String CHAT = "https://api.openai.com/v1/chat/completions";

  @Test
  void blockingChat() {
    TapRun t = TapRun.of(CHAT).json().fixture("openai/chat-blocking.json");
    LlmCall c = t.run();
    assertThat(c.responseModel).isEqualTo("gpt-4o-2024-08-06");
    assertThat(c.responseId).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    assertThat(c.finishReason).isEqualTo("stop");
    assertThat(c.inputTokens).isEqualTo(19);
    assertThat(c.outputTokens).isEqualTo(310);
    assertThat(c.totalTokens).isEqualTo(329);
    assertThat(c.cacheReadTokens).isZero(); // reported as 0: zero, not unknown
    assertThat(c.reasoningTokens).isZero();
    assertThat(c.cacheWriteTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.firstChunkNanos).as("no first chunk for a blocking body").isZero();
    assertThat(c.complete).isTrue();
    assertThat(c.errorType).isNull();
    assertThat(c.parseFailed).isFalse();
  }

  @Test
  @DisplayName("pitfalls 1, 2: o-series reasoning and cached tokens are inside the totals")
  void reasoningAndCachedTokens() {
    LlmCall c = TapRun.of(CHAT).json().fixture("openai/o-series-blocking.json").run();
    assertThat(c.responseModel).isEqualTo("o3-mini-2025-01-31");
    assertThat(c.inputTokens).isEqualTo(1843);
    assertThat(c.cacheReadTokens).isEqualTo(1792);
    assertThat(c.outputTokens).isEqualTo(1610);
    assertThat(c.reasoningTokens).isEqualTo(1472);
  }

  @Test
  @DisplayName("pitfalls 5, 6, 7, 18: include_usage stream, usage chunk, [DONE], role-only chunk")
  void streamWithUsage() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("openai/chat-stream-usage.sse");
    LlmCall c = t.run();
    assertThat(c.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(c.inputTokens).isEqualTo(19);
    assertThat(c.outputTokens).isEqualTo(10);
    assertThat(c.finishReason).isEqualTo("stop");
    assertThat(c.complete).isTrue();
    assertThat(c.errorType).isNull();
    t.assertFirstChunkAt(c, "\"content\":\"Grüße\"");
  }

  @Test
  @DisplayName("pitfall 4: a stream without include_usage leaves tokens unknown, not 0")
  void streamWithoutUsage() {
    LlmCall c = TapRun.of(CHAT).sse().stream().fixture("openai/chat-stream-no-usage.sse").run();
    assertThat(c.inputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.unmetered()).isTrue();
    assertThat(c.complete).isTrue();
    assertThat(c.firstChunkNanos).isNotZero();
  }

  @Test
  void toolCallStream() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("openai/chat-stream-tools.sse");
    LlmCall c = t.run();
    assertThat(c.finishReason).isEqualTo("tool_calls");
    assertThat(c.inputTokens).isEqualTo(82);
    assertThat(c.outputTokens).isEqualTo(17);
    // The model generated the function name in the first chunk.
    t.assertFirstChunkAt(c, "get_weather");
    assertThat(c.complete).isTrue();
  }

  @Test
  void legacyCompletionsStream() {
    TapRun t =
        TapRun.of("https://api.openai.com/v1/completions").sse().stream()
            .fixture("openai/completions-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.operation).isEqualTo("text_completion");
    assertThat(c.inputTokens).isEqualTo(5);
    assertThat(c.outputTokens).isEqualTo(5);
    t.assertFirstChunkAt(c, "\"text\":\"This\"");
  }

  @Test
  @DisplayName("pitfall 10: data: {\"error\": ...} inside a 200 stream, no [DONE]")
  void errorInsideStream() {
    LlmCall c = TapRun.of(CHAT).sse().stream().fixture("openai/chat-stream-error.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("server_error");
    assertThat(c.complete).isFalse();
    assertThat(c.firstChunkNanos).isNotZero();
    assertThat(c.unmetered()).isTrue();
  }

  @Test
  @DisplayName("pitfalls 4, 6: a stream cut mid-event without [DONE] is truncated")
  void truncatedStream() {
    LlmCall c = TapRun.of(CHAT).sse().stream().fixture("openai/chat-stream-truncated.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
    assertThat(c.complete).isFalse();
    assertThat(c.inputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.parseFailed).isFalse();
  }

  @Test
  @DisplayName("pitfall 14: Responses report the dated snapshot")
  void responsesBlocking() {
    LlmCall c =
        TapRun.of("https://api.openai.com/v1/responses")
            .json()
            .fixture("openai/responses-blocking.json")
            .run();
    assertThat(c.responseModel).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(c.responseId).isEqualTo("resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41");
    assertThat(c.inputTokens).isEqualTo(328);
    assertThat(c.outputTokens).isEqualTo(52);
    assertThat(c.totalTokens).isEqualTo(380);
    assertThat(c.cacheReadTokens).isZero();
    assertThat(c.reasoningTokens).isZero();
    assertThat(c.finishReason).isEqualTo("completed");
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfall 6: Responses streams end at response.completed, with no [DONE]")
  void responsesStream() {
    TapRun t =
        TapRun.of("https://api.openai.com/v1/responses").sse().stream()
            .fixture("openai/responses-stream.sse");
    LlmCall c = t.run();
    assertThat(c.responseModel).isEqualTo("o4-mini-2025-04-16");
    assertThat(c.inputTokens).isEqualTo(1261);
    assertThat(c.cacheReadTokens).isEqualTo(1152);
    assertThat(c.outputTokens).isEqualTo(343);
    assertThat(c.reasoningTokens).isEqualTo(320);
    assertThat(c.totalTokens).isEqualTo(1604);
    assertThat(c.complete).isTrue();
    assertThat(c.errorType).isNull();
    // Reasoning summary text is generated content and comes first.
    t.assertFirstChunkAt(c, "\"delta\":\"**Answering");
  }

  @Test
  void responsesStreamFailed() {
    LlmCall c =
        TapRun.of("https://api.openai.com/v1/responses").sse().stream()
            .fixture("openai/responses-stream-failed.sse")
            .run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("server_error");
    assertThat(c.complete).isFalse();
    assertThat(c.firstChunkNanos).isZero();
  }

  @Test
  void responsesStreamTruncated() {
    LlmCall c =
        TapRun.of("https://api.openai.com/v1/responses").sse().stream()
            .fixture("openai/responses-stream-truncated.sse")
            .run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
    assertThat(c.responseModel).isEqualTo("o4-mini-2025-04-16");
    assertThat(c.unmetered()).isTrue();
  }

  @Test
  @DisplayName("pitfall 4: embeddings have no output tokens")
  void embeddings() {
    LlmCall c =
        TapRun.of("https://api.openai.com/v1/embeddings")
            .json()
            .fixture("openai/embeddings.json")
            .run();
    assertThat(c.route.operation).isEqualTo("embeddings");
    assertThat(c.responseModel).isEqualTo("text-embedding-3-small");
    assertThat(c.inputTokens).isEqualTo(5);
    assertThat(c.totalTokens).isEqualTo(5);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
  }

  @Test
  @DisplayName("pitfalls 11, 12, 13: 429 insufficient_quota to a streaming request is plain JSON")
  void insufficientQuota() {
    LlmCall c =
        TapRun.of(CHAT).status(429).json().stream()
            .fixture("openai/error-429-insufficient-quota.json")
            .run();
    assertThat(c.errorCode).isEqualTo("insufficient_quota");
    assertThat(c.parseFailed).isFalse();
    assertThat(c.firstChunkNanos).isZero();
    assertThat(c.errorType).as("the HTTP error type is the instrumentation's").isNull();
  }

  @Test
  @DisplayName("pitfall 13: OpenAI rate limit: code wins over type")
  void rateLimitExceeded() {
    LlmCall c =
        TapRun.of(CHAT).status(429).json().fixture("openai/error-429-rate-limit.json").run();
    assertThat(c.errorCode).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void serverErrorFallsBackToType() {
    LlmCall c = TapRun.of(CHAT).status(500).json().fixture("openai/error-500.json").run();
    assertThat(c.errorCode).isEqualTo("server_error");
  }

  @Test
  @DisplayName("pitfall 11: a 429 answered with text/event-stream is still read as an error body")
  void errorStatusIgnoresStreamContentType() {
    LlmCall c =
        TapRun.of(CHAT).status(429).sse().stream()
            .fixture("openai/error-429-rate-limit.json")
            .run();
    assertThat(c.errorCode).isEqualTo("rate_limit_exceeded");
    assertThat(c.errorType).isNull();
  }
}
