package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Token counts and first-chunk detection over each provider's format. */
class BodyAnalyzerTest {

  /** Feeds the body in pieces of the given size, at "times" 1, 2, 3... */
  private static BodyAnalyzer feed(String body, boolean sse, int piece) {
    BodyAnalyzer a = new BodyAnalyzer();
    a.reset(sse);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    long t = 1;
    for (int i = 0; i < b.length; i += piece) {
      a.onBody(b, i, Math.min(piece, b.length - i), t++);
    }
    return a;
  }

  private static BodyAnalyzer.Tokens tokens(String body) {
    return feed(body, false, 7).tokens();
  }

  @Test
  void openAiBlockingAndStreamUsage() {
    assertThat(
            tokens(
                "{\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}"))
        .isEqualTo(new BodyAnalyzer.Tokens(19, 10, 29));
    String stream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n"
            + "data:"
            + " {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
            + "data: [DONE]\n\n";
    assertThat(feed(stream, true, 3).tokens()).isEqualTo(new BodyAnalyzer.Tokens(5, 2, 7));
  }

  @Test
  void streamWithoutUsageIsUnknownNotZero() {
    BodyAnalyzer.Tokens t =
        feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n", true, 5)
            .tokens();
    assertThat(t.known()).isFalse();
    assertThat(t).isEqualTo(BodyAnalyzer.Tokens.UNKNOWN);
  }

  @Test
  void anthropicTakesTheLastCumulativeValuesAndAddsCacheReads() {
    String s =
        "event: message_start\n"
            + "data:"
            + " {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"hi\"}}\n\n"
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n";
    assertThat(feed(s, true, 11).tokens()).isEqualTo(new BodyAnalyzer.Tokens(128, 15, 143));
  }

  @Test
  void difyUsesMessageEndAndOldSpacedJson() {
    String s =
        "data: {\"event\": \"message\", \"answer\": \"x\"}\n\n"
            + "data: {\"event\": \"message_end\", \"metadata\": {\"usage\": {\"prompt_tokens\":"
            + " 1033, \"completion_tokens\": 128, \"total_tokens\": 1161, \"total_price\":"
            + " \"0.0012890\"}}}\n\n"
            + "data: {\"event\": \"tts_message_end\", \"audio\": \"\"}\n\n";
    assertThat(feed(s, true, 4).tokens()).isEqualTo(new BodyAnalyzer.Tokens(1033, 128, 1161));
  }

  @Test
  void blockingWorkflowHasOnlyATotal() {
    BodyAnalyzer.Tokens t =
        tokens("{\"data\":{\"status\":\"succeeded\",\"total_tokens\":3562,\"total_steps\":8}}");
    assertThat(t).isEqualTo(new BodyAnalyzer.Tokens(-1, -1, 3562));
    assertThat(t.known()).isTrue();
  }

  @Test
  void responsesApiUsage() {
    assertThat(
            tokens(
                "{\"usage\":{\"input_tokens\":36,\"input_tokens_details\":{\"cached_tokens\":0},"
                    + "\"output_tokens\":87,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":123}}"))
        .isEqualTo(new BodyAnalyzer.Tokens(36, 87, 123));
  }

  @Test
  void keysInsideStringsOrWithNullValuesAreNotCounts() {
    assertThat(tokens("{\"text\":\"the word \\\"prompt_tokens\\\" here\",\"usage\":null}").known())
        .isFalse();
    assertThat(tokens("{\"prompt_tokens\":null}").known()).isFalse();
  }

  @Test
  void firstChunkSkipsEventsWithoutGeneratedText() {
    // OpenAI: the role chunk with empty content is not text; the next chunk is.
    BodyAnalyzer a =
        feed(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            true,
            1000);
    assertThat(a.firstContentNanos()).isEqualTo(1);
    a =
        feed(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            true,
            60);
    assertThat(a.firstContentNanos()).as("arrives with the second piece").isEqualTo(2);
    // Anthropic: message_start and ping are not text.
    a =
        feed(
            "event: message_start\n"
                + "data: {\"type\":\"message_start\",\"message\":{\"content\":[]}}\n\n"
                + "event: ping\n"
                + "data: {\"type\": \"ping\"}\n\n",
            true,
            1000);
    assertThat(a.firstContentNanos()).isEqualTo(-1);
    // Dify workflow: workflow and node events are not text; text_chunk is.
    a =
        feed(
            "event: ping\n\ndata: {\"event\":\"workflow_started\",\"data\":{}}\n\n"
                + "data: {\"event\":\"node_started\",\"data\":{}}\n\n",
            true,
            1000);
    assertThat(a.firstContentNanos()).isEqualTo(-1);
    byte[] chunk =
        "data: {\"event\":\"text_chunk\",\"data\":{\"text\":\"x\"}}\n\n"
            .getBytes(StandardCharsets.UTF_8);
    a.onBody(chunk, 0, chunk.length, 9);
    assertThat(a.firstContentNanos()).isEqualTo(9);
    // Reasoning text is generated text too.
    a =
        feed(
            "data:"
                + " {\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":\"hmm\"}}]}\n\n",
            true,
            1000);
    assertThat(a.firstContentNanos()).isEqualTo(1);
    // Responses API: response.created is bookkeeping; output_text.delta is text.
    a = feed("event: response.created\ndata: {\"type\":\"response.created\"}\n\n", true, 1000);
    assertThat(a.firstContentNanos()).isEqualTo(-1);
    a =
        feed(
            "event: response.output_text.delta\n"
                + "data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\n\n",
            true,
            1000);
    assertThat(a.firstContentNanos()).isEqualTo(1);
  }

  @Test
  void crlfFramingAndDataWithoutSpace() {
    BodyAnalyzer a = feed("data:{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\r\n\r\n", true, 2);
    assertThat(a.firstContentNanos()).isPositive();
  }

  @Test
  void errorEventsInsideA200Stream() {
    assertThat(feed("data: {\"error\":{\"message\":\"boom\"}}\n\n", true, 5).streamError())
        .isTrue();
    assertThat(
            feed(
                    "event: error\n"
                        + "data:"
                        + " {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n",
                    true,
                    5)
                .streamError())
        .isTrue();
    assertThat(
            feed(
                    "data: {\"event\": \"error\", \"status\": 400, \"code\":"
                        + " \"completion_request_error\"}\n\n",
                    true,
                    5)
                .streamError())
        .isTrue();
    assertThat(
            feed("data: {\"choices\":[{\"delta\":{\"content\":\"error\"}}]}\n\n", true, 5)
                .streamError())
        .isFalse();
  }

  @Test
  void multiByteCharactersSplitAcrossReadsAreHarmless() {
    String s =
        "data: {\"choices\":[{\"delta\":{\"content\":\"世界\"}}]}\n\n"
            + "data:"
            + " {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n";
    for (int piece = 1; piece < 12; piece++) {
      BodyAnalyzer a = feed(s, true, piece);
      assertThat(a.text()).isEqualTo(s);
      assertThat(a.firstContentNanos()).isPositive();
      assertThat(a.tokens()).isEqualTo(new BodyAnalyzer.Tokens(3, 2, 5));
    }
  }
}
