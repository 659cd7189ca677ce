package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Skimming passes stream events over without a parse once they can carry nothing the call still
 * needs. It must never change a result: every stream fixture, in every chunking, gives the same
 * call (first-chunk position included) with and without it, and it must actually skip.
 */
class SkimTest {
  private static final String CHAT = "https://api.openai.com/v1/chat/completions";

  /** Every stream fixture: its URL, file, framing, and how many of its events skimming skips. */
  static Stream<Arguments> streamFixtures() {
    return Stream.of(
        Arguments.of("https://api.openai.com/v1/chat/completions", "openai/chat-stream-usage.sse", "sse", 2),
        Arguments.of("https://api.openai.com/v1/chat/completions", "openai/chat-stream-no-usage.sse", "sse", 2),
        Arguments.of("https://api.openai.com/v1/chat/completions", "openai/chat-stream-tools.sse", "sse", 5),
        Arguments.of("https://api.openai.com/v1/chat/completions", "openai/chat-stream-error.sse", "sse", 0),
        Arguments.of("https://api.openai.com/v1/chat/completions", "openai/chat-stream-truncated.sse", "sse", 2),
        Arguments.of("https://api.openai.com/v1/completions", "openai/completions-stream.sse", "sse", 1),
        Arguments.of("https://api.openai.com/v1/responses", "openai/responses-stream.sse", "sse", 2),
        Arguments.of("https://api.openai.com/v1/responses", "openai/responses-stream-failed.sse", "sse", 0),
        Arguments.of("https://api.openai.com/v1/responses", "openai/responses-stream-truncated.sse", "sse", 1),
        Arguments.of("https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions", "azure/chat-stream.sse", "sse", 2),
        Arguments.of("https://api.deepseek.com/chat/completions", "deepseek/reasoner-stream.sse", "sse", 3),
        Arguments.of("http://vllm.internal:8000/v1/chat/completions", "vllm/chat-stream.sse", "sse", 0),
        Arguments.of("http://localhost:11434/v1/chat/completions", "ollama/v1-chat-stream.sse", "sse", 1),
        Arguments.of("http://localhost:11434/api/chat", "ollama/chat-stream.ndjson", "ndjson", 3),
        Arguments.of("http://localhost:11434/api/generate", "ollama/generate-stream-cache-hit.ndjson", "ndjson", 1),
        Arguments.of("http://localhost:11434/api/chat", "ollama/chat-stream-error.ndjson", "ndjson", 1),
        Arguments.of("https://api.anthropic.com/v1/messages", "anthropic/messages-stream-thinking.sse", "sse", 4),
        Arguments.of("https://api.anthropic.com/v1/messages", "anthropic/messages-stream-tools.sse", "sse", 2),
        Arguments.of("https://api.anthropic.com/v1/messages", "anthropic/messages-stream-overloaded.sse", "sse", 1),
        Arguments.of("https://api.anthropic.com/v1/messages", "anthropic/messages-stream-truncated.sse", "sse", 4),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/chat-stream.sse", "sse", 3),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/chat-stream-old-rmb.sse", "sse", 1),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/chat-stream-error.sse", "sse", 0),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/chat-stream-truncated.sse", "sse", 1),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/agent-chat-stream.sse", "sse", 1),
        Arguments.of("https://api.dify.ai/v1/chat-messages", "dify/chatflow-stream.sse", "sse", 1),
        Arguments.of("https://api.dify.ai/v1/workflows/run", "dify/workflow-stream.sse", "sse", 1),
        Arguments.of("https://api.dify.ai/v1/workflows/run", "dify/workflow-stream-failed.sse", "sse", 0),
        Arguments.of("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "gemini/stream-sse.sse", "sse", 0),
        Arguments.of("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini/stream-array.json", "json", 0));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("streamFixtures")
  void fixtureGivesTheSameCallWithAndWithoutSkimming(String url, String fixture, String framing, int skimmed) {
    assertSameWithAndWithoutSkimming(streamRun(url, fixture, framing), streamRun(url, fixture, framing).noSkim(), skimmed);
  }

  /** A run of one of {@link #streamFixtures()}. */
  static TapRun streamRun(String url, String fixture, String framing) {
    TapRun t = TapRun.of(url);
    TapRun r = framing.equals("sse") ? t.sse() : framing.equals("ndjson") ? t.contentType("application/x-ndjson") : t.json();
    return r.stream().fixture(fixture);
  }

  /** A long stream as OpenAI sends it with include_usage: every chunk has "usage": null. */
  @Test
  void longIncludeUsageStreamSkipsTheMiddleAndKeepsEverything() {
    byte[] body = openAiStream(300, true, false);
    TapRun skim = TapRun.of(CHAT).sse().stream().body(body);
    LlmCall c = assertSameWithAndWithoutSkimming(skim, TapRun.of(CHAT).sse().stream().body(body).noSkim(), 298);
    assertThat(c.inputTokens).isEqualTo(12);
    assertThat(c.outputTokens).isEqualTo(300);
    assertThat(c.finishReason).isEqualTo("length");
    assertThat(c.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(c.complete).isTrue();
  }

  /** vLLM's continuous usage stats put usage in every chunk: those are all parsed, the last wins. */
  @Test
  void usageInEveryChunkIsParsedEveryTime() {
    byte[] body = openAiStream(50, false, true);
    LlmCall c =
        assertSameWithAndWithoutSkimming(
            TapRun.of(CHAT).sse().stream().body(body), TapRun.of(CHAT).sse().stream().body(body).noSkim(), 0);
    assertThat(c.outputTokens).isEqualTo(50);
  }

  @Test
  void anErrorAfterTheFirstChunkIsNeverSkipped() {
    String body =
        "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"say \\\"error\\\": 1\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\", \"code\": null}}\n\n";
    LlmCall c = TapRun.of(CHAT).sse().stream().body(body).run();
    assertThat(c.errorType).isEqualTo(dev.tollgate.conventions.Tollgate.ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("server_error");
  }

  @Test
  void skimLooksOnlyAtMemberNames() {
    Skim.Keys keys = new Skim.Keys("usage", "finish_reason");
    assertThat(anyNonNull("{\"usage\":null,\"finish_reason\" : null}", keys)).isFalse();
    assertThat(anyNonNull("{\"usage\": {\"prompt_tokens\": 1}}", keys)).isTrue();
    assertThat(anyNonNull("{\"finish_reason\":\"stop\"}", keys)).isTrue();
    // A string value "usage", and "usage" inside text (where quotes are escaped), are not members.
    assertThat(anyNonNull("{\"type\":\"usage\",\"content\":\"the \\\"usage\\\": 3\"}", keys)).isFalse();
    // Cut off after the name: nothing to see.
    assertThat(anyNonNull("{\"usage\"", keys)).isFalse();

    byte[] d = "  {\"event\": \"message\", \"answer\": \"x\"}".getBytes(StandardCharsets.UTF_8);
    int at = Skim.firstMemberString(d, 0, d.length, Skim.key("event"));
    assertThat(Skim.stringIs(d, at, d.length, Skim.bytes("message"))).isTrue();
    assertThat(Skim.stringIs(d, at, d.length, Skim.bytes("message_end"))).isFalse();
    assertThat(Skim.stringIs(d, at, d.length, Skim.bytes("messag"))).isFalse();
    byte[] nested = "{\"data\": {\"event\": \"message\"}}".getBytes(StandardCharsets.UTF_8);
    assertThat(Skim.firstMemberString(nested, 0, nested.length, Skim.key("event"))).isEqualTo(-1);
  }

  /** The word-at-a-time searches agree with a byte-at-a-time one at every offset and length. */
  @Test
  void byteScanAgreesWithAPlainLoop() {
    java.util.Random r = new java.util.Random(11);
    byte[] alphabet = {'"', '\n', '\r', 'u', 'f', 'a', 0x23, 0x21, 0x0b, 0x0c, (byte) 0xa2, (byte) 0x8a, 0};
    long[] next = {ByteScan.spread((byte) 'u'), ByteScan.spread((byte) 'f')};
    for (int round = 0; round < 300; round++) {
      byte[] b = new byte[1 + r.nextInt(40)];
      for (int k = 0; k < b.length; k++) {
        b[k] = alphabet[r.nextInt(alphabet.length)];
      }
      for (int from = 0; from <= b.length; from++) {
        for (int end = from; end <= b.length; end++) {
          int expected = end;
          for (int k = from; k < end; k++) {
            if (b[k] == '\n' || b[k] == '\r') {
              expected = k;
              break;
            }
          }
          assertThat(ByteScan.lineEnd(b, from, end)).isEqualTo(expected);
          java.util.List<Integer> want = new java.util.ArrayList<>();
          for (int k = from; k + 1 < end; k++) {
            if (b[k] == '"' && (b[k + 1] == 'u' || b[k + 1] == 'f')) {
              want.add(k);
            }
          }
          java.util.List<Integer> got = new java.util.ArrayList<>();
          for (int k = ByteScan.quoteThen(b, from, end, next); k >= 0; k = ByteScan.quoteThen(b, k + 1, end, next)) {
            got.add(k);
          }
          assertThat(got).isEqualTo(want);
        }
      }
    }
  }

  private static boolean anyNonNull(String json, Skim.Keys keys) {
    byte[] d = json.getBytes(StandardCharsets.UTF_8);
    return Skim.anyNonNull(d, 0, d.length, keys);
  }

  /**
   * Every chunking gives the same call both ways and skims the same events (how many, the caller
   * counted from the fixture: the events after the first content chunk that carry no usage, finish
   * reason or error); returns the one-byte run of the skimming side.
   */
  private static LlmCall assertSameWithAndWithoutSkimming(TapRun skim, TapRun full, int expectedSkimmed) {
    for (TapRun.Chunking chunking : TapRun.Chunking.values()) {
      LlmCall a = skim.runOnce(chunking, skim.bodyBytes(), null);
      int skimmed = skim.lastTap.skimmed;
      LlmCall b = full.runOnce(chunking, full.bodyBytes(), null);
      assertThat(full.lastTap.skimmed).isZero();
      assertThat(TapRun.snapshot(a)).as("%s", chunking).isEqualTo(TapRun.snapshot(b));
      assertThat(a.firstChunkNanos).as("first chunk, %s", chunking).isEqualTo(b.firstChunkNanos);
      assertThat(skimmed).as("events skimmed, %s", chunking).isEqualTo(expectedSkimmed);
    }
    return skim.run();
  }

  static byte[] openAiStream(int tokens, boolean includeUsageNulls, boolean usageEveryChunk) {
    StringBuilder sb = new StringBuilder();
    String prefix = "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",";
    String nullUsage = includeUsageNulls ? ",\"usage\":null" : "";
    sb.append(prefix).append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]")
        .append(nullUsage).append("}\n\n");
    for (int i = 1; i <= tokens; i++) {
      String usage = usageEveryChunk ? ",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + i + ",\"total_tokens\":" + (12 + i) + "}" : nullUsage;
      String finish = i == tokens ? "\"length\"" : "null";
      sb.append(prefix).append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok").append(i)
          .append("\"},\"logprobs\":null,\"finish_reason\":").append(finish).append("}]").append(usage).append("}\n\n");
    }
    if (!usageEveryChunk) {
      sb.append(prefix).append("\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":").append(tokens)
          .append(",\"total_tokens\":").append(12 + tokens).append(",\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
    }
    sb.append("data: [DONE]\n\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
