package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnthropicGeminiTapTest {
  private static final String MESSAGES = "https://api.anthropic.com/v1/messages";
  private static final String GEMINI =
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash";

  @Test
  @DisplayName("pitfall 1: Anthropic input = input + cache reads + cache writes")
  void anthropicBlockingWithCache() {
    LlmCall c = TapRun.of(MESSAGES).json().fixture("anthropic/messages-blocking.json").run();
    assertThat(c.responseModel).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(c.responseId).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
    assertThat(c.inputTokens).isEqualTo(21 + 188086);
    assertThat(c.cacheWriteTokens).isEqualTo(188086);
    assertThat(c.cacheReadTokens).isZero();
    assertThat(c.outputTokens).isEqualTo(393);
    assertThat(c.finishReason).isEqualTo("end_turn");
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfalls 1, 3, 18: thinking stream, ping, cumulative message_delta")
  void anthropicThinkingStream() {
    TapRun t = TapRun.of(MESSAGES).sse().stream().fixture("anthropic/messages-stream-thinking.sse");
    LlmCall c = t.run();
    assertThat(c.inputTokens).as("2112 + 1800 cache read, not doubled").isEqualTo(3912);
    assertThat(c.cacheReadTokens).isEqualTo(1800);
    assertThat(c.cacheWriteTokens).isZero();
    assertThat(c.outputTokens).as("message_start's placeholder 1 ignored").isEqualTo(120);
    assertThat(c.reasoningTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.finishReason).isEqualTo("end_turn");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "I need to find the GCD");
  }

  @Test
  void anthropicToolUseStream() {
    TapRun t = TapRun.of(MESSAGES).sse().stream().fixture("anthropic/messages-stream-tools.sse");
    LlmCall c = t.run();
    assertThat(c.responseModel).isEqualTo("claude-haiku-4-5-20251001");
    assertThat(c.inputTokens).isEqualTo(472);
    assertThat(c.outputTokens).isEqualTo(89);
    assertThat(c.finishReason).isEqualTo("tool_use");
    // The first input_json_delta is empty; the first with JSON text is the first chunk.
    t.assertFirstChunkAt(c, "San Fra");
  }

  @Test
  @DisplayName("pitfall 3: a stream cut before message_delta has no output count")
  void anthropicTruncated() {
    LlmCall c =
        TapRun.of(MESSAGES).sse().stream().fixture("anthropic/messages-stream-truncated.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
    assertThat(c.inputTokens).isEqualTo(3912);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.firstChunkNanos).isNotZero();
  }

  @Test
  @DisplayName("pitfall 10: event: error with overloaded_error inside a 200 stream")
  void anthropicOverloadedEvent() {
    LlmCall c =
        TapRun.of(MESSAGES).sse().stream()
            .fixture("anthropic/messages-stream-overloaded.sse")
            .run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("overloaded_error");
    assertThat(c.firstChunkNanos).as("message_start and ping are not content").isZero();
    assertThat(c.complete).isFalse();
  }

  @Test
  @DisplayName("pitfall 13: Anthropic's non-standard 529")
  void anthropic529() {
    LlmCall c = TapRun.of(MESSAGES).status(529).json().fixture("anthropic/error-529.json").run();
    assertThat(c.errorCode).isEqualTo("overloaded_error");
  }

  @Test
  void anthropic429() {
    LlmCall c = TapRun.of(MESSAGES).status(429).json().fixture("anthropic/error-429.json").run();
    assertThat(c.errorCode).isEqualTo("rate_limit_error");
  }

  @Test
  @DisplayName("pitfalls 1, 2: Gemini output = candidates + thoughts; cached inside prompt")
  void geminiBlocking() {
    LlmCall c =
        TapRun.of(GEMINI + ":generateContent")
            .json()
            .fixture("gemini/generate-blocking.json")
            .run();
    assertThat(c.route.pathModel).isEqualTo("gemini-2.5-flash");
    assertThat(c.route.operation).isEqualTo("generate_content");
    assertThat(c.responseModel).isEqualTo("gemini-2.5-flash");
    assertThat(c.responseId).isEqualTo("mAitaLmkHPPlz7IPvtfUqQ4");
    assertThat(c.inputTokens).isEqualTo(12840);
    assertThat(c.cacheReadTokens).isEqualTo(12288);
    assertThat(c.outputTokens).isEqualTo(295 + 937);
    assertThat(c.reasoningTokens).isEqualTo(937);
    assertThat(c.totalTokens).isEqualTo(14072);
    assertThat(c.finishReason).isEqualTo("STOP");
    assertThat(c.firstChunkNanos).isZero();
  }

  @Test
  @DisplayName("pitfalls 2, 3, 7, 14, 19: Gemini SSE with CRLF, repeated usage, early chunk")
  void geminiSseStream() {
    TapRun t =
        TapRun.of(GEMINI + ":streamGenerateContent?alt=sse").sse().stream()
            .fixture("gemini/stream-sse.sse");
    LlmCall c = t.run();
    assertThat(c.route.streamingPath).isTrue();
    assertThat(c.responseModel).isEqualTo("gemini-2.5-flash-preview-05-20");
    assertThat(c.inputTokens).isEqualTo(5);
    assertThat(c.outputTokens).as("last cumulative value, not a sum").isEqualTo(44 + 186);
    assertThat(c.reasoningTokens).isEqualTo(186);
    assertThat(c.totalTokens).isEqualTo(235);
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "**Planning greetings**");
  }

  @Test
  void geminiArrayClosedWithoutFinishReasonIsComplete() {
    String body =
        "[{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}, \"index\": 0}],"
            + " \"usageMetadata\": {\"promptTokenCount\": 3, \"candidatesTokenCount\": 1}}\n]";
    LlmCall c = TapRun.of(GEMINI + ":streamGenerateContent").json().stream().body(body).run();
    assertThat(c.complete).isTrue();
    assertThat(c.errorType).isNull();
    LlmCall cut =
        TapRun.of(GEMINI + ":streamGenerateContent").json().stream()
            .body(body.substring(0, body.length() - 1))
            .run();
    assertThat(cut.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
  }

  @Test
  void geminiSseTruncated() {
    LlmCall c =
        TapRun.of(GEMINI + ":streamGenerateContent?alt=sse").sse().stream()
            .fixture("gemini/stream-sse-truncated.sse")
            .run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
    assertThat(c.outputTokens).isEqualTo(39 + 186);
  }

  @Test
  @DisplayName("pitfall 8: Gemini without alt=sse: a JSON array arriving piece by piece")
  void geminiJsonArrayStream() {
    TapRun t =
        TapRun.of(
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash"
                    + ":streamGenerateContent")
            .json()
            .stream()
            .fixture("gemini/stream-array.json");
    LlmCall c = t.run();
    assertThat(c.responseModel).isEqualTo("gemini-2.0-flash");
    assertThat(c.inputTokens).isEqualTo(9);
    assertThat(c.outputTokens).isEqualTo(21);
    assertThat(c.reasoningTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.complete).isTrue();
    assertThat(c.errorType).isNull();
    t.assertFirstChunkAt(c, "\"text\": \"The\"");
  }

  @Test
  @DisplayName("pitfalls 12, 13: Gemini 429 RESOURCE_EXHAUSTED with RetryInfo in the body")
  void gemini429() {
    LlmCall c =
        TapRun.of(GEMINI + ":generateContent")
            .status(429)
            .json()
            .fixture("gemini/error-429.json")
            .run();
    assertThat(c.errorCode).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(c.retryAfterSeconds).isEqualTo(37.0);
  }

  @Test
  void gemini429ToStreamingCallAsArray() {
    LlmCall c =
        TapRun.of(GEMINI + ":streamGenerateContent").status(429).json().stream()
            .fixture("gemini/error-429-array.json")
            .run();
    assertThat(c.errorCode).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(c.retryAfterSeconds).isEqualTo(37.0);
    assertThat(c.errorType).as("an error body is not a truncated stream").isNull();
    assertThat(c.complete).isTrue();
  }

  @Test
  void geminiRetryDelayDoesNotOverrideHeader() {
    TapRun t =
        TapRun.of(GEMINI + ":generateContent").status(429).json().fixture("gemini/error-429.json");
    LlmCall call = t.newCall();
    call.retryAfterSeconds = 12;
    ResponseTap tap = ResponseTap.create(call, 429, "application/json", null, () -> 1);
    byte[] b = t.bodyBytes();
    tap.onBytes(b, 0, b.length);
    tap.onEnd();
    assertThat(call.retryAfterSeconds).isEqualTo(12.0);
  }

  @Test
  @DisplayName("pitfall 4: Gemini embeddings report no usage")
  void geminiEmbed() {
    LlmCall c =
        TapRun.of(
                "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:embedContent")
            .json()
            .fixture("gemini/embed.json")
            .run();
    assertThat(c.route.operation).isEqualTo("embeddings");
    assertThat(c.route.pathModel).isEqualTo("text-embedding-004");
    assertThat(c.unmetered()).isTrue();
  }
}
